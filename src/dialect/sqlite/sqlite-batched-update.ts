import type { Guard, UpdateStep } from '../../plan/execution-plan';
import type { TableInfo } from '../../schema/table-info';
import { quoteIdentifier as q } from '../quote-identifier';
import { keyColumnSql } from './sqlite-rowid';
import { identifierKey } from './sqlite-text';

/** The name the rows of a batched update go by in its statement (see {@link batchAlias}). */
const ALIAS = '__pandalchemy_rows';

/** An alias for the batch no table of that name can be confused with. */
function batchAlias(table: string): string {
  let alias = ALIAS;
  while (identifierKey(alias) === identifierKey(table)) alias += '_';
  return q(alias);
}

/**
 * The statement that runs `rows` rows of an update step at once: `UPDATE ... FROM (VALUES ...)`,
 * each row of the VALUES one row of the step, with the parameters `sqliteDataStep` gives that
 * row (set values, keys, then a guard's expected values), in order. Each row's values are
 * compared and stored as its own statement would: a `VALUES` column has no affinity, as a bound
 * parameter has none, and the table's columns are named through the table, so that no column of
 * the batch is mistaken for one of the table's. Only for a table whose key is its rowid, which
 * SQLite then looks each row up by.
 *
 * @example
 * ```ts
 * sqliteBatchedUpdate(step, info, null, 2);
 * // UPDATE "t" SET "qty" = "__pandalchemy_rows".column1 FROM (VALUES (?, ?), (?, ?)) AS
 * // "__pandalchemy_rows" WHERE "t"."id" = "__pandalchemy_rows".column2
 * ```
 */
export function sqliteBatchedUpdate(
  step: UpdateStep,
  info: TableInfo,
  guard: Guard | null,
  rows: number,
): string {
  const t = q(step.table);
  const v = batchAlias(step.table);
  const column = (name: string): string => `${t}.${keyColumnSql(info, name)}`;
  let n = 0;
  const next = (): string => `${v}.column${++n}`;
  const set = step.set.map((c) => `${keyColumnSql(info, c)} = ${next()}`).join(', ');
  const where = step.key.map((k) => `${column(k)} = ${next()}`);
  for (const c of guard?.columns ?? []) where.push(`+${column(c)} IS ${next()} COLLATE BINARY`);
  const row = `(${Array.from({ length: n }, () => '?').join(', ')})`;
  const values = Array.from({ length: rows }, () => row).join(', ');
  return `UPDATE ${t} SET ${set} FROM (VALUES ${values}) AS ${v} WHERE ${where.join(' AND ')}`;
}
