import type { SqliteStatement } from '../dialect/sqlite/sqlite-data-step';
import type { RowHook } from './row-hook';
import type { MatchedKeys } from '../dialect/sqlite/matched-keys';
import type { ColumnValues, DataStep, DeleteStep, UpdateStep } from '../plan/execution-plan';
import type { SqlValue } from '../values/sql-value';
import { GuardMiss } from './inline-guards';
import { ExactStatement, holdsBigInt } from './exact-statement';
import { exactValue, rowOf, type SqlDatabase, type SqlStatement } from './sqlite';
import { sqliteError } from './sqlite-error';
import type { Rowid } from './table-touch';

/** Rows between two progress reports. */
export const PROGRESS_EVERY = 10_000;

/** Row `i` of `columns`, as an array of its own. */
export function rowAt(columns: readonly ColumnValues[], i: number): SqlValue[] {
  const out = new Array<SqlValue>(columns.length);
  for (let c = 0; c < columns.length; c++) out[c] = columns[c]![i] ?? null;
  return out;
}

/**
 * A rowid as the change log would report it, from a key value of a rowid-keyed table that
 * matched it: -0 matches rowid 0, and is reported as 0.
 */
export function rowidOf(key: SqlValue): Rowid {
  // `+ 0` turns -0 into 0 and leaves every other number as it is.
  return (typeof key === 'number' ? key + 0 : exactValue(key)) as Rowid;
}

/**
 * The rowids of keys of a rowid-keyed table that matched them, from a Float64Array: the array
 * itself unless it holds a -0 (rowid 0, see {@link rowidOf}), then a copy with 0 there.
 */
export function rowidsOf(keys: Float64Array): Float64Array {
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === 0 && Object.is(keys[i], -0)) return keys.map((k) => k + 0);
  }
  return keys;
}

/** Steps a statement with RETURNING rowid to its end; the rowid of its row, or null. */
export function stepReturning(stmt: SqlStatement): Rowid | null {
  const row = stepReturningRow(stmt);
  return row === null ? null : (exactValue(row[0]!) as Rowid);
}

/** Steps a statement with RETURNING to its end; the row it returned (integers exact), or null. */
export function stepReturningRow(stmt: SqlStatement): SqlValue[] | null {
  let row: SqlValue[] | null = null;
  while (stmt.step()) row = rowOf(stmt);
  return row;
}

/**
 * Runs the dialect's statement `st` of `step` once per row: prepared once, row `i` bound to
 * `st.parameters(i)`, then `fn` steps it and takes note of what it did. An SQLite failure becomes
 * a typed error naming the row (its key, from `keyOf`).
 */
export function eachRow(
  db: SqlDatabase,
  st: SqliteStatement,
  step: DataStep,
  keyOf: (i: number) => SqlValue[] | undefined,
  progress: (n: number) => void,
  fn: (stmt: SqlStatement, i: number, parameters: readonly SqlValue[]) => void,
): void {
  let stmt: SqlStatement;
  try {
    stmt = db.prepare(st.sql);
  } catch (e) {
    throw sqliteError(e, { what: `the ${step.kind} step`, table: step.table, step: step.kind });
  }
  // A step holding a BigInt binds each row to the statement that takes it exactly; any other
  // runs the plain statement, unchecked row by row.
  const exact = holdsBigInt(st.sources, st.rows)
    ? new ExactStatement(db, st.sql, stmt, st.sources)
    : null;
  let i = 0;
  try {
    for (; i < st.rows; i++) {
      const parameters = st.parameters(i);
      if (exact) {
        fn(exact.bind(parameters), i, parameters);
      } else {
        // sql.js's bind() resets the statement (and clears its bindings) before binding: a reset
        // after each row as well was a third of the calls into SQLite for a one-column update.
        if (parameters.length) stmt.bind(parameters);
        else if (i > 0) stmt.reset();
        fn(stmt, i, parameters);
      }
      if ((i + 1) % PROGRESS_EVERY === 0) progress(PROGRESS_EVERY);
    }
    progress(st.rows % PROGRESS_EVERY);
  } catch (e) {
    if (e instanceof GuardMiss) throw e;
    const key = keyOf(i);
    throw sqliteError(e, {
      what: `the ${step.kind} of a row`,
      table: step.table,
      step: step.kind,
      ...(key ? { key } : {}),
    });
  } finally {
    if (exact) exact.free();
    else stmt.free();
  }
}

/**
 * Runs an unlogged update or delete of a table whose rowid is not its key as `eachRow` does,
 * each row's rowid told by `hook` (see `RowHook`), which it closes at the end. A row whose key as
 * stored `keys` tells (see `matchedKeys`) runs `plain`, the statement without RETURNING; any
 * other runs `returning` (prepared on the first such row), which gives it. `fn` gets each row
 * written: its index, rowid, and the row `returning` gave (rowid, then key), null where `keys`
 * tells the key.
 */
export function eachToldRow(
  db: SqlDatabase,
  plain: SqliteStatement,
  returning: SqliteStatement,
  step: UpdateStep | DeleteStep,
  keys: MatchedKeys | null,
  hook: RowHook,
  progress: (n: number) => void,
  fn: (i: number, rowid: Rowid, returned: SqlValue[] | null) => void,
): void {
  const other: { stmt: ExactStatement | null } = { stmt: null };
  try {
    eachRow(
      db,
      keys ? plain : returning,
      step,
      (i) => rowAt(step.keys, i),
      progress,
      (stmt, i, params) => {
        let row: SqlValue[] | null = null;
        if (keys && (!keys.exact || keys.exact[i])) {
          stmt.step();
        } else {
          let run = stmt;
          if (keys) {
            other.stmt ??= new ExactStatement(db, returning.sql, undefined, returning.sources);
            run = other.stmt.bind(params);
          }
          row = stepReturningRow(run);
        }
        const rowid = hook.take();
        if (rowid !== null) fn(i, rowid, row);
      },
    );
  } finally {
    other.stmt?.free();
    hook.close();
  }
}
