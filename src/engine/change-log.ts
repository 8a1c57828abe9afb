import { quoteIdentifier as q } from '../dialect/quote-identifier';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { rowidName } from '../dialect/sqlite/sqlite-rowid';
import { exactValue, rowOf, selectFixed, withStatement, type SqlDatabase } from './sqlite';
import type { Rowid } from './table-touch';
import { asciiUpper } from '../values/ascii-case';
import { identifierKey } from '../dialect/sqlite/sqlite-text';
import { isVirtualTable } from '../schema/is-virtual-table';

/** One row change: `op` 0 insert, 1 update, 2 delete; rowids before and after. */
export interface RowEvent {
  readonly table: string;
  readonly op: 0 | 1 | 2;
  readonly old: Rowid | null;
  readonly new: Rowid | null;
}

/** One row change of a WITHOUT ROWID table: keys (stored values) before and after. */
export interface KeyEvent {
  readonly table: string;
  readonly op: 0 | 1 | 2;
  readonly old: SqlValue[] | null;
  readonly new: SqlValue[] | null;
}

const LOG = '"__pandalchemy_log"';
const PREFIX = '__pandalchemy_trg_';

/** Foreign-key actions that write to the child table when a parent row changes. */
const WRITING_ACTIONS = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);

/**
 * Whether a push writing `written` tables needs the change log: only when SQLite may change rows
 * beyond those its statements name. So: a written table with a trigger or with a REPLACE conflict
 * clause (which deletes rows silently), or a foreign key with a writing action on a written table,
 * while SQLite enforces foreign keys. Otherwise the data steps report their rows themselves (where
 * the rowid is not the key, by RETURNING it), and the log's triggers, which slow every written row
 * down about threefold, are not made.
 */
export function needsChangeLog(
  db: SqlDatabase,
  tables: readonly TableInfo[],
  written: ReadonlySet<string>,
): boolean {
  const lower = new Set([...written].map((t) => identifierKey(t)));
  for (const info of tables) {
    if (!lower.has(identifierKey(info.name))) continue;
    if (info.triggers.length || /\bREPLACE\b/i.test(info.sql)) return true;
  }
  if (written.size && selectFixed(db, 'PRAGMA foreign_keys') === 1) {
    for (const info of tables) {
      for (const fk of info.foreignKeys) {
        const writes =
          WRITING_ACTIONS.has(asciiUpper(fk.onDelete)) ||
          WRITING_ACTIONS.has(asciiUpper(fk.onUpdate));
        if (writes && lower.has(identifierKey(fk.table))) return true;
      }
    }
  }
  // Tables the plan names that do not exist yet fail their first statement; nothing to log.
  return false;
}

/**
 * The tables in which a push may delete rows that no trigger, and so no change log, sees: a
 * REPLACE conflict resolution deletes the rows in its way without firing delete triggers (unless
 * recursive triggers are on, which would change what the user's own triggers do). Their effects
 * tell readers to reload. A table qualifies by a REPLACE clause of its own, or any table by a
 * trigger that inserts or updates OR REPLACE (it may write any table).
 */
export function silentlyDeleting(tables: readonly TableInfo[]): Set<string> {
  const anyTable = tables.some((t) =>
    t.triggers.some((tr) => /\bOR\s+REPLACE\b|\bREPLACE\s+INTO\b/i.test(tr.sql)),
  );
  return new Set(tables.filter((t) => anyTable || /\bREPLACE\b/i.test(t.sql)).map((t) => t.name));
}

/**
 * Records every row change of a push, including those of triggers and foreign-key actions, with
 * the rowid before and after (sql.js's update hook cannot report rowids beyond 2^53 and misses the
 * old rowid of an update), or for a WITHOUT ROWID table the key before and after. Temporary
 * triggers on every table write to temporary tables; they live only while the push's data steps
 * run, so schema steps and the saved file never see them. Tables are named in the log by number,
 * so no name is ever written into SQL text as a value.
 */
export class ChangeLog {
  readonly #db: SqlDatabase;
  readonly #tables: string[] = [];
  readonly #triggers: string[] = [];
  /** The key log's table, when some table is WITHOUT ROWID, and its key columns (`o0, n0, ...`). */
  readonly #keyLog: { name: string; slots: string } | null = null;
  /** Key widths by table number (0 for a rowid table). */
  readonly #widths: number[] = [];

  constructor(db: SqlDatabase, tables: readonly TableInfo[]) {
    this.#db = db;
    db.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${LOG} (t INTEGER NOT NULL, op INTEGER NOT NULL, old INTEGER, new INTEGER)`,
    );
    db.run(`DELETE FROM temp.${LOG}`);
    const width = Math.max(
      0,
      ...tables.filter((t) => t.withoutRowid).map((t) => t.key.columns.length),
    );
    if (width) {
      // Key columns without a type: values are kept exactly as stored (no affinity applies).
      const name = q(`__pandalchemy_key_log_${width}`);
      const slots = Array.from({ length: width }, (_, k) => `o${k}, n${k}`).join(', ');
      db.run(
        `CREATE TEMP TABLE IF NOT EXISTS ${name} (t INTEGER NOT NULL, op INTEGER NOT NULL, ${slots})`,
      );
      db.run(`DELETE FROM temp.${name}`);
      this.#keyLog = { name, slots };
    }
    // A virtual table takes no trigger (SQLite refuses one); what writes it is reported by the
    // push's effects as a reload (see `apply-plan.ts`).
    tables.forEach((info) => {
      if (isVirtualTable(info)) return;
      const i = this.#tables.length;
      this.#tables.push(info.name);
      this.#widths.push(info.withoutRowid ? info.key.columns.length : 0);
      const on = `main.${q(info.name)}`;
      const add = (event: string, op: number, values: string): void => {
        const name = q(`${PREFIX}${i}_${op}`);
        const log = info.withoutRowid ? this.#keyLog!.name : LOG;
        this.#db.run(
          `CREATE TEMP TRIGGER ${name} AFTER ${event} ON ${on} BEGIN INSERT INTO ${log} ${values}; END`,
        );
        this.#triggers.push(name);
      };
      if (info.withoutRowid) {
        const k = info.key.columns.map(q);
        const slots = (side: 'o' | 'n'): string => k.map((_, j) => `${side}${j}`).join(', ');
        const of = (row: 'OLD' | 'NEW'): string => k.map((c) => `${row}.${c}`).join(', ');
        add('INSERT', 0, `(t, op, ${slots('n')}) VALUES (${i}, 0, ${of('NEW')})`);
        add(
          'UPDATE',
          1,
          `(t, op, ${slots('o')}, ${slots('n')}) VALUES (${i}, 1, ${of('OLD')}, ${of('NEW')})`,
        );
        add('DELETE', 2, `(t, op, ${slots('o')}) VALUES (${i}, 2, ${of('OLD')})`);
        return;
      }
      const r = rowidName(info);
      add('INSERT', 0, `VALUES (${i}, 0, NULL, NEW.${r})`);
      add('UPDATE', 1, `VALUES (${i}, 1, OLD.${r}, NEW.${r})`);
      add('DELETE', 2, `VALUES (${i}, 2, OLD.${r}, NULL)`);
    });
  }

  /** The events so far, in order (rowid tables', and WITHOUT ROWID tables'); then removes the triggers. */
  finish(): { rows: RowEvent[]; keys: KeyEvent[] } {
    const events: RowEvent[] = [];
    const keys: KeyEvent[] = [];
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
      const log = this.#keyLog;
      if (log) {
        withStatement(
          this.#db,
          `SELECT t, op, ${log.slots} FROM temp.${log.name} ORDER BY rowid`,
          (stmt) => {
            while (stmt.step()) {
              const row = rowOf(stmt);
              const table = this.#tables[Number(row[0])]!;
              const op = Number(row[1]) as 0 | 1 | 2;
              const width = this.#widths[Number(row[0])]!;
              const side = (s: 0 | 1): SqlValue[] =>
                Array.from({ length: width }, (_, k) => row[2 + 2 * k + s] ?? null);
              keys.push({
                table,
                op,
                old: op === 0 ? null : side(0),
                new: op === 2 ? null : side(1),
              });
            }
          },
        );
      }
    } finally {
      this.dispose();
    }
    return { rows: events, keys };
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
      if (this.#keyLog) this.#db.run(`DELETE FROM temp.${this.#keyLog.name}`);
    } catch {
      // As above.
    }
  }
}
