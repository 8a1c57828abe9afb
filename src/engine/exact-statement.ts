import { exactIntegerSql } from '../dialect/sqlite/exact-integer-sql';
import { INT64_MAX, INT64_MIN, type SqlValue } from '../values/sql-value';
import type { SqlDatabase, SqlStatement } from './sqlite';

/**
 * A statement prepared once and run with values that may hold BigInts, each bound as the integer
 * it is. sql.js binds a BigInt as its decimal text, which a column without INTEGER or NUMERIC
 * affinity keeps, and which `"k" = ?` does not find as the integer such a column holds: values
 * with a BigInt run a variant of the statement taking those parameters as `+CAST(? AS INTEGER)`
 * (see `exactIntegerSql`), prepared once per pattern of BigInts. Values without one run the plain
 * statement, after one `typeof` per value.
 *
 * @example
 * ```ts
 * const del = new ExactStatement(db, 'DELETE FROM "t" WHERE "k" = ?');
 * del.bind([2n ** 60n]).step();
 * del.free();
 * ```
 */
export class ExactStatement {
  readonly plain: SqlStatement;
  #variants: Map<string, SqlStatement> | null = null;

  /**
   * `plain`: the statement of `sql` when it is already prepared (it is then freed by this).
   * `only`: the parameters that may need it, where known (one entry per parameter, null where a
   * BigInt's text acts as the integer: see `exactSources`); by default every one.
   */
  constructor(
    private readonly db: SqlDatabase,
    private readonly sql: string,
    plain?: SqlStatement,
    private readonly only?: readonly unknown[],
  ) {
    this.plain = plain ?? db.prepare(sql);
  }

  /** The statement `params` run with, not bound: the plain one unless one of them is a BigInt. */
  for(params: readonly SqlValue[]): SqlStatement {
    let mask: string | null = null;
    const only = this.only;
    for (let i = 0; i < params.length; i++) {
      const v = params[i];
      if (only && only[i] === null) continue;
      // Beyond 64 bits the cast would give the nearest limit: such a value stays text.
      if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) mask = `${mask ?? ''}${i},`;
    }
    if (mask === null) return this.plain;
    const variants = (this.#variants ??= new Map());
    let stmt = variants.get(mask);
    if (!stmt) {
      const at = new Set(mask.split(',').filter(Boolean).map(Number));
      stmt = this.db.prepare(exactIntegerSql(this.sql, (i) => at.has(i)));
      variants.set(mask, stmt);
    }
    return stmt;
  }

  /** Binds `params` (resetting the statement) to the statement for them, and returns it. */
  bind(params: readonly SqlValue[]): SqlStatement {
    const stmt = this.for(params);
    if (params.length) stmt.bind(params);
    else stmt.reset();
    return stmt;
  }

  free(): void {
    this.plain.free();
    for (const stmt of this.#variants?.values() ?? []) stmt.free();
    this.#variants = null;
  }
}

/**
 * Whether some of the first `n` values of `columns` is a BigInt: where none is, a statement
 * binding them runs as it is (see {@link ExactStatement}). A Float64Array holds none; null
 * stands for a column left out.
 */
export function holdsBigInt(columns: readonly (ArrayLike<unknown> | null)[], n: number): boolean {
  for (const col of columns) {
    if (col === null || col instanceof Float64Array) continue;
    const m = Math.min(n, col.length);
    for (let i = 0; i < m; i++) if (typeof col[i] === 'bigint') return true;
  }
  return false;
}
