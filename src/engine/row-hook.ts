import { quoteIdentifier as q } from '../dialect/quote-identifier';
import { isRowidKeyed, rowidName } from '../dialect/sqlite/sqlite-rowid';
import { isRowidName } from '../schema/rowid-name';
import type { DataStep } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import { selectRows, type SqlDatabase } from './sqlite';
import type { Rowid } from './table-touch';

/**
 * The rowid of each row a step's statements write, told by SQLite's update hook instead of by
 * `RETURNING rowid`. RETURNING makes SQLite gather each run's rows in a table of their own and
 * hand them over in a second step; the hook is one call per row, and the statement is what a
 * hand-written loop runs (the 10k+10k+10k apply on text keys: RETURNING was most of what it cost
 * beyond the loop).
 *
 * Only where nothing but the step's own statements writes rows (an unlogged push: no trigger, no
 * writing foreign-key action, no REPLACE), so each call is the statement's one row; and only while
 * every rowid the step can meet is within 2^53: sql.js throws inside SQLite's call for a larger
 * one, and gives a smaller one inexactly.
 */
export class RowHook {
  readonly #db: SqlDatabase;
  #calls = 0;
  #rowid: Rowid = 0;

  private constructor(db: SqlDatabase) {
    this.#db = db;
    db.updateHook((_op, _db, _table, rowid) => {
      this.#calls++;
      this.#rowid = rowid;
    });
  }

  /**
   * Starts telling the rows `step` writes to `info`, or returns null where the hook cannot tell
   * them exactly (see the class): a table keyed by its rowid (its steps know their rowids), a
   * rowid of the table beyond 2^53 in magnitude, one that an insert's rows past the largest would
   * take, or an insert that gives rowids itself.
   * Call {@link close} when the step is done, whatever happened.
   */
  static open(db: SqlDatabase, info: TableInfo, step: DataStep): RowHook | null {
    // Where the rowid is the key, the plan gives it, or AUTOINCREMENT may pass the largest.
    if (info.withoutRowid || isRowidKeyed(info)) return null;
    const inserts = step.kind === 'insert' ? step.count : 0;
    // A column the table lacks under a rowid's name writes the rowid.
    if (step.kind === 'insert' && step.columns.some((c) => isRowidName(c))) return null;
    const rid = rowidName(info);
    const t = q(info.name);
    // One aggregate per SELECT: SQLite then reads each from an end of the rowid's b-tree.
    const [min, max] = selectRows(
      db,
      `SELECT (SELECT min(${rid}) FROM ${t}), (SELECT max(${rid}) FROM ${t})`,
    )[0]!;
    const limit = Number.MAX_SAFE_INTEGER;
    if (min !== null && !(typeof min === 'number' && min >= -limit)) return null;
    if (max !== null && !(typeof max === 'number' && max <= limit - inserts)) return null;
    return new RowHook(db);
  }

  /**
   * The rowid of the row written since the last call, or null when none was (a key no row has).
   * Throws where more than one was: nothing but the statement writes rows (see the class).
   */
  take(): Rowid | null {
    const calls = this.#calls;
    this.#calls = 0;
    if (calls === 0) return null;
    if (calls > 1) throw new Error(`one statement wrote ${calls} rows, not one`);
    return this.#rowid;
  }

  close(): void {
    this.#db.updateHook(null);
  }
}
