import { quoteIdentifier as q } from '../quote-identifier';
import { rowidNameOf } from '../../schema/rowid-name';
import type { TableInfo } from '../../schema/table-info';

/**
 * The name under which a table's rowid can be read and written: the first of `rowid`, `_rowid_`
 * and `oid` that no column takes (for a table without a declared key, the name its rowid column is
 * exposed under). Throws `key_column` when columns take all three.
 *
 * @example
 * ```ts
 * rowidName(info); // 'rowid', or '_rowid_' when a column is named rowid
 * ```
 */
export function rowidName(info: TableInfo): string {
  return rowidNameOf(
    info.name,
    info.columns.map((c) => c.name),
  );
}

/**
 * Whether a row's rowid is its key: tables without a declared key (the rowid is exposed as a
 * column) and tables whose key is an INTEGER PRIMARY KEY (an alias of the rowid).
 *
 * @example
 * ```ts
 * isRowidKeyed(findTable(db, 'users')!); // true for "id" INTEGER PRIMARY KEY
 * ```
 */
export function isRowidKeyed(info: TableInfo): boolean {
  return !info.withoutRowid && (info.key.kind === 'rowid' || info.key.autoAssigned);
}

/** Whether `name` is the exposed rowid column of a table without a declared key. */
export function isRowidColumn(info: TableInfo, name: string): boolean {
  return info.key.kind === 'rowid' && name === info.key.columns[0];
}

/**
 * The SQL naming a column: the rowid keyword for the exposed rowid (a keyword, not an identifier:
 * quoted, it would name a column of that name), else the quoted name.
 *
 * @example
 * ```ts
 * keyColumnSql(info, 'rowid'); // 'rowid' (a table without a declared key)
 * keyColumnSql(info, 'id'); // '"id"'
 * ```
 */
export function keyColumnSql(info: TableInfo | null, name: string): string {
  return info && isRowidColumn(info, name) ? name : q(name);
}
