import type { TableInfo } from './table-info';

/**
 * Whether two readings of a table have the same columns (names and declared types, in order) and
 * key: rows read under one can be taken as rows of the other.
 *
 * @example
 * ```ts
 * if (!sameSchema(loaded.info, commit.info)) reload();
 * ```
 */
export function sameSchema(a: TableInfo, b: TableInfo): boolean {
  const cols = (i: TableInfo) => i.columns.map((c) => `${c.name}:${c.declaredType}`).join(',');
  return cols(a) === cols(b) && a.key.columns.join(',') === b.key.columns.join(',');
}
