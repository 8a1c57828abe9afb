import type { TableInfo } from '../../schema/table-info';
import { quoteIdentifier as q } from '../quote-identifier';
import { keyColumnSql } from './sqlite-rowid';
import { keyPredicateSql } from './sqlite-data-step';

/**
 * What a read-based guard reads of each guarded row: its guarded columns, each prefixed with
 * `prefix` (a table alias and a dot, or ''), or `1` when no column is guarded (a row's presence
 * is then all there is to check).
 */
export function guardColumnsSql(
  info: TableInfo,
  columns: readonly string[],
  prefix: string,
): string[] {
  return columns.length ? columns.map((c) => `${prefix}${keyColumnSql(info, c)}`) : ['1'];
}

/**
 * One statement reading every guarded row: the keys go in as one JSON array (one parameter) and
 * each row comes back with its index (`j.key`) before `select`. A value from json_each compares
 * like a bound parameter. Every column of the table is qualified (`g.`): json_each has columns
 * of its own (id, key, value, ...).
 */
export function guardReadByJsonSql(
  info: TableInfo,
  key: readonly string[],
  select: string,
): string {
  const on = key.map((k, j) =>
    key.length === 1
      ? `g.${keyColumnSql(info, k)} = j.value`
      : `g.${keyColumnSql(info, k)} = j.value ->> ${j}`,
  );
  return `SELECT ${select} FROM json_each(?) AS j CROSS JOIN ${q(info.name)} AS g ON ${on.join(' AND ')}`;
}

/** A guarded row read by its key (one run per row, the key's values as parameters). */
export function guardReadByKeySql(info: TableInfo, key: readonly string[], select: string): string {
  return `SELECT ${select} FROM ${q(info.name)} WHERE ${keyPredicateSql(info, key)}`;
}
