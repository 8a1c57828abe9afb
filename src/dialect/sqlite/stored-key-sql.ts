import type { TableInfo } from '../../schema/table-info';
import { quoteIdentifier as q } from '../quote-identifier';
import { keyPredicateSql } from './sqlite-data-step';
import { keyColumnSql } from './sqlite-rowid';

/**
 * Reads the key columns `key` of the row a key addresses, as stored: the key a plan gives may
 * only compare equal to it (7 to '7' under TEXT affinity, 'abc' to 'ABC' under NOCASE).
 *
 * @example
 * ```ts
 * storedKeySql(info, ['sku']); // 'SELECT "sku" FROM "stock" WHERE "sku" = ?'
 * ```
 */
export function storedKeySql(info: TableInfo, key: readonly string[]): string {
  const columns = key.map((k) => keyColumnSql(info, k)).join(', ');
  return `SELECT ${columns} FROM ${q(info.name)} WHERE ${keyPredicateSql(info, key)}`;
}
