import type { TableInfo } from './table-info';

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * Freezes a table's schema, deeply, in place: schema objects the library hands out (`t.info`,
 * `db.tables()`) cannot be changed under it. Only for objects the library owns.
 *
 * @example
 * ```ts
 * const info = freezeTableInfo(introspected);
 * Object.isFrozen(info.columns[0]); // true
 * ```
 */
export function freezeTableInfo(info: TableInfo): TableInfo {
  deepFreeze(info);
  return info;
}
