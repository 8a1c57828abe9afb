import type { SqlValue } from '../../values/sql-value';
import { ExactStatement } from '../exact-statement';
import type { SqlDatabase } from '../sqlite';

/** Writes a statement's parameter `i`: `?` (see {@link withExactIntegers}). */
export type ParamSql = (i: number) => string;

/**
 * Runs one statement once per row of values read back from SQLite, each stored exactly as it was
 * read: a BigInt (an integer beyond 2^53) is bound as the integer it is, not as sql.js's decimal
 * text of it, which a column without INTEGER or NUMERIC affinity would keep and which would not
 * match the integer in such a column's key (see `ExactStatement`).
 *
 * @example
 * ```ts
 * withExactIntegers(db, (p) => `DELETE FROM "t" WHERE "k" = ${p(0)}`, (run) => run([2n ** 60n]));
 * ```
 */
export function withExactIntegers<T>(
  db: SqlDatabase,
  sqlOf: (param: ParamSql) => string,
  fn: (run: (params: readonly SqlValue[]) => void) => T,
): T {
  const stmt = new ExactStatement(
    db,
    sqlOf(() => '?'),
  );
  try {
    return fn((params) => stmt.for(params).run(params));
  } finally {
    stmt.free();
  }
}
