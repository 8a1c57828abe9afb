import { quoteIdentifier as q } from '../plan/sql-text';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { rowidName } from './build-effects';
import { exactValue, rowOf, withStatement, type SqlDatabase } from './sqlite';
import type { Rowid } from './table-touch';

/** One row change: `op` 0 insert, 1 update, 2 delete; rowids before and after. */
export interface RowEvent {
  readonly table: string;
  readonly op: 0 | 1 | 2;
  readonly old: Rowid | null;
  readonly new: Rowid | null;
}

const LOG = '"__pandalchemy_log"';
const PREFIX = '__pandalchemy_trg_';

/**
 * Records every row change of a push, including those of triggers and foreign-key actions, with
 * the rowid before and after (sql.js's update hook cannot report rowids beyond 2^53 and misses the
 * old rowid of an update). Temporary triggers on every rowid table write to a temporary table; they
 * live only while the push's data steps run, so schema steps and the saved file never see them.
 * Tables are named in the log by number, so no name is ever written into SQL text as a value.
 */
export class ChangeLog {
  readonly #db: SqlDatabase;
  readonly #tables: string[] = [];
  readonly #triggers: string[] = [];

  constructor(db: SqlDatabase, tables: readonly TableInfo[]) {
    this.#db = db;
    db.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${LOG} (t INTEGER NOT NULL, op INTEGER NOT NULL, old INTEGER, new INTEGER)`,
    );
    db.run(`DELETE FROM temp.${LOG}`);
    tables.forEach((info) => {
      if (info.withoutRowid) return;
      const i = this.#tables.length;
      this.#tables.push(info.name);
      const r = rowidName(info);
      const on = `main.${q(info.name)}`;
      const add = (event: string, op: number, oldSql: string, newSql: string): void => {
        const name = q(`${PREFIX}${i}_${op}`);
        this.#db.run(
          `CREATE TEMP TRIGGER ${name} AFTER ${event} ON ${on} BEGIN INSERT INTO ${LOG} VALUES (${i}, ${op}, ${oldSql}, ${newSql}); END`,
        );
        this.#triggers.push(name);
      };
      add('INSERT', 0, 'NULL', `NEW.${r}`);
      add('UPDATE', 1, `OLD.${r}`, `NEW.${r}`);
      add('DELETE', 2, `OLD.${r}`, 'NULL');
    });
  }

  /** The events so far, in order; then removes the triggers. */
  finish(): RowEvent[] {
    const events: RowEvent[] = [];
    try {
      withStatement(this.#db, `SELECT t, op, old, new FROM temp.${LOG} ORDER BY rowid`, (stmt) => {
        while (stmt.step()) {
          const [t, op, old, now] = rowOf(stmt) as [SqlValue, SqlValue, SqlValue, SqlValue];
          events.push({
            table: this.#tables[Number(t)]!,
            op: Number(op) as 0 | 1 | 2,
            old: old === null ? null : (exactValue(old) as Rowid),
            new: now === null ? null : (exactValue(now) as Rowid),
          });
        }
      });
    } finally {
      this.dispose();
    }
    return events;
  }

  /** Removes the triggers and empties the log (also after a failure). */
  dispose(): void {
    for (const name of this.#triggers.splice(0)) {
      try {
        this.#db.run(`DROP TRIGGER IF EXISTS temp.${name}`);
      } catch {
        // The transaction was rolled back and took the triggers with it.
      }
    }
    try {
      this.#db.run(`DELETE FROM temp.${LOG}`);
    } catch {
      // As above.
    }
  }
}
