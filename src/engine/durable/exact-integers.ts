import type { SqlValue } from '../../values/sql-value';
import type { SqlDatabase, SqlStatement } from '../sqlite';

/** Writes a statement's parameter `i`: `?`, or the same wrapped so that a BigInt stays an integer. */
export type ParamSql = (i: number) => string;

/**
 * Runs one statement once per row of values read back from SQLite, each stored exactly as it was
 * read. sql.js binds a BigInt (an integer beyond 2^53) as its decimal text, which a column
 * without INTEGER or NUMERIC affinity keeps as text, and which does not match the integer in such
 * a column's key: a row holding one runs the statement with that parameter as
 * `CAST(? AS INTEGER)` (prepared once per such pattern), so the integer is stored as it was.
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
  const plain = db.prepare(sqlOf(() => '?'));
  const cast = new Map<string, SqlStatement>();
  try {
    return fn((params) => {
      let mask: string | null = null;
      for (let i = 0; i < params.length; i++)
        if (typeof params[i] === 'bigint') mask = `${mask ?? ''}${i},`;
      if (mask === null) {
        plain.run(params as SqlValue[]);
        return;
      }
      let stmt = cast.get(mask);
      if (!stmt) {
        const at = new Set(mask.split(',').filter(Boolean).map(Number));
        stmt = db.prepare(sqlOf((i) => (at.has(i) ? 'CAST(? AS INTEGER)' : '?')));
        cast.set(mask, stmt);
      }
      stmt.run(params as SqlValue[]);
    });
  } finally {
    plain.free();
    for (const stmt of cast.values()) stmt.free();
  }
}
