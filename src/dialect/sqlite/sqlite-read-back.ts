import type { TableInfo } from '../../schema/table-info';
import { quoteIdentifier as q } from '../quote-identifier';
import { rowidName } from './sqlite-rowid';

/**
 * How a push's effects are read back from SQLite before it commits: the rows it wrote, as the
 * database stored them (defaults, conversions, assigned keys, what triggers changed). `select`
 * is the select list the engine reads them with.
 */

/**
 * Reads the rows of a rowid table by rowid, in rowid order. Its one parameter is the rowids as
 * one JSON array: each row then costs a step rather than a bind, a step and a reset (rowids are
 * integers, which JSON carries exactly).
 *
 * @example
 * ```ts
 * readByRowidSql(info, '"id", "name"');
 * // 'SELECT "id", "name" FROM "users" WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid'
 * ```
 */
export function readByRowidSql(info: TableInfo, select: string): string {
  const rid = rowidName(info);
  return `SELECT ${select} FROM ${q(info.name)} WHERE ${rid} IN (SELECT value FROM json_each(?)) ORDER BY ${rid}`;
}

/**
 * Reads one row by its key (a WITHOUT ROWID table's rows have no rowid): run once per row, its
 * parameters the key's values in the order of `info.key.columns`.
 *
 * @example
 * ```ts
 * readByKeySql(info, '"k", "v"'); // 'SELECT "k", "v" FROM "words" WHERE "k" = ?'
 * ```
 */
export function readByKeySql(info: TableInfo, select: string): string {
  return `SELECT ${select} FROM ${q(info.name)} WHERE ${info.key.columns.map((k) => `${q(k)} = ?`).join(' AND ')}`;
}
