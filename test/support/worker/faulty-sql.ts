import type { SqlDatabase, SqlJs, SqlStatement, UpdateOperation } from '../../../src/engine/sqlite';
import type { SqlValue } from '../../../src/values/sql-value';
import type { Fault } from './fault-api';
import type { FaultState } from './fault-state';

/**
 * sql.js whose databases can fail any statement of a transaction, or its COMMIT, as sql.js throws
 * when SQLite fails; every statement of the last transaction is recorded.
 */
export function faultySql(sql: SqlJs, faults: FaultState, log: string[][]): SqlJs {
  // Called with `new` by the engine: a constructor may return another object.
  function Database(data?: ArrayLike<number> | null): SqlDatabase {
    return new FaultyDatabase(new sql.Database(data), faults, log);
  }
  return { Database: Database as unknown as SqlJs['Database'] };
}

class FaultyDatabase implements SqlDatabase {
  readonly #db: SqlDatabase;
  readonly #faults: FaultState;
  /** Transactions, oldest first: the last one is being recorded while `#open`. */
  readonly #log: string[][];
  #open = false;

  constructor(db: SqlDatabase, faults: FaultState, log: string[][]) {
    this.#db = db;
    this.#faults = faults;
    this.#log = log;
  }

  run(sql: string, params?: readonly SqlValue[] | null): SqlDatabase {
    const verb = sql.trim().toUpperCase();
    if (verb === 'BEGIN') {
      this.#db.run(sql, params);
      this.#open = true;
      this.#log.splice(0, this.#log.length, []);
      return this;
    }
    if (verb === 'COMMIT' || verb === 'ROLLBACK') {
      const commit = verb === 'COMMIT';
      if (commit && this.#faults.take((f): f is Fault => f.point === 'commit')) {
        throw new Error('Injected failure at COMMIT (as if the disk were full)');
      }
      this.#open = false;
      this.#db.run(sql, params);
      return this;
    }
    this.#statement(sql);
    this.#db.run(sql, params);
    return this;
  }

  prepare(sql: string, params?: readonly SqlValue[] | null): SqlStatement {
    this.#statement(sql);
    return this.#db.prepare(sql, params);
  }

  iterateStatements(sql: string): Iterable<SqlStatement> {
    this.#statement(sql);
    return this.#db.iterateStatements(sql);
  }

  export(): Uint8Array {
    return this.#db.export();
  }

  close(): void {
    this.#db.close();
  }

  getRowsModified(): number {
    return this.#db.getRowsModified();
  }

  updateHook(
    callback: ((op: UpdateOperation, db: string, table: string, rowid: number) => void) | null,
  ): SqlDatabase {
    this.#db.updateHook(callback);
    return this;
  }

  #statement(sql: string): void {
    if (!this.#open) return;
    const done = this.#log[this.#log.length - 1]!;
    done.push(sql);
    const index = done.length;
    const fault = this.#faults.take(
      (f): f is Extract<Fault, { point: 'statement' }> =>
        f.point === 'statement' && f.index === index,
    );
    if (fault) throw new Error(`Injected failure at statement ${index}: ${sql.slice(0, 80)}`);
  }
}
