import { ExactStatement } from '../exact-statement';
import type { SqlDatabase } from '../sqlite';

/**
 * The statements a run of redo records replays with, each prepared once for the run: a reopen
 * after a thousand one-cell pushes prepared the same UPDATE a thousand times. Every statement is
 * an {@link ExactStatement}, so a BigInt read back from SQLite is stored as the integer it was,
 * not as sql.js's decimal text of it. {@link ReplayStatements.free} ends the run.
 *
 * @example
 * ```ts
 * const statements = new ReplayStatements(db);
 * const del = statements.get('DELETE FROM "t" WHERE "k" = ?');
 * const params = [2n ** 60n];
 * del.for(params).run(params);
 * statements.free();
 * ```
 */
export class ReplayStatements {
  readonly #db: SqlDatabase;
  readonly #prepared = new Map<string, ExactStatement>();

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** The statement of `sql`, prepared on first use. */
  get(sql: string): ExactStatement {
    let stmt = this.#prepared.get(sql);
    if (!stmt) {
      stmt = new ExactStatement(this.#db, sql);
      this.#prepared.set(sql, stmt);
    }
    return stmt;
  }

  /** Frees every statement prepared (a schema change, or the end of the run). */
  free(): void {
    for (const stmt of this.#prepared.values()) stmt.free();
    this.#prepared.clear();
  }
}
