import { quoteIdentifier as q } from '../plan/sql-text';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { rowidName } from './build-effects';
import { exactValue, rowOf, selectValue, withStatement, type SqlDatabase } from './sqlite';
import { isRowidKeyed, type Rowid } from './table-touch';

/** One row change: `op` 0 insert, 1 update, 2 delete; rowids before and after. */
export interface RowEvent {
  readonly table: string;
  readonly op: 0 | 1 | 2;
  readonly old: Rowid | null;
  readonly new: Rowid | null;
}

const LOG = '"__pandalchemy_log"';
const PREFIX = '__pandalchemy_trg_';

/** Foreign-key actions that write to the child table when a parent row changes. */
const WRITING_ACTIONS = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);

/**
 * Whether a push writing `written` tables needs the change log: only when SQLite may change rows
 * beyond those its statements name, or when the rowids a statement changed cannot be known without
 * it. So: a written table with a trigger, with a REPLACE conflict clause (which deletes rows
 * silently), or whose rowid is not its key (a moved key hides its old rowid); or a foreign key
 * with a writing action on a written table, while SQLite enforces foreign keys. Otherwise the data
 * steps report their rows themselves, and the log's triggers, which slow every written row down
 * about threefold, are not made.
 */
export function needsChangeLog(
  db: SqlDatabase,
  tables: readonly TableInfo[],
  written: ReadonlySet<string>,
): boolean {
  const lower = new Set([...written].map((t) => t.toLowerCase()));
  for (const info of tables) {
    if (!lower.has(info.name.toLowerCase())) continue;
    if (info.triggers.length || /\bREPLACE\b/i.test(info.sql)) return true;
    if (!info.withoutRowid && !isRowidKeyed(info)) return true;
  }
  if (written.size && selectValue(db, 'PRAGMA foreign_keys') === 1) {
    for (const info of tables) {
      for (const fk of info.foreignKeys) {
        const writes =
          WRITING_ACTIONS.has(fk.onDelete.toUpperCase()) ||
          WRITING_ACTIONS.has(fk.onUpdate.toUpperCase());
        if (writes && lower.has(fk.table.toLowerCase())) return true;
      }
    }
  }
  // Tables the plan names that do not exist yet fail their first statement; nothing to log.
  return false;
}

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
