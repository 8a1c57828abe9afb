import type { TableInfo } from './table-info';

/**
 * Whether a table is a virtual table (`CREATE VIRTUAL TABLE ... USING fts4(...)`): its rows live
 * behind a module, which fires no trigger and no update hook and takes no RETURNING, so the
 * library reads it but does not write it.
 *
 * @example
 * ```ts
 * isVirtualTable(info); // true for an FTS4 table
 * ```
 */
export function isVirtualTable(info: Pick<TableInfo, 'sql'>): boolean {
  return /^\s*CREATE\s+VIRTUAL\s+TABLE\b/i.test(info.sql);
}
