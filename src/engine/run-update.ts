import { affinityOf, type Affinity } from '../dialect/sqlite/affinity';
import { isRowid, type SqliteStatement } from '../dialect/sqlite/sqlite-data-step';
import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import type { ColumnValues, Guard, UpdateStep } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import { eachRow, eachToldRow, rowAt, rowidOf, stepReturningRow } from './each-row';
import { GuardMiss } from './inline-guards';
import { matchedKeys } from '../dialect/sqlite/matched-keys';
import { RowHook } from './row-hook';
import { holdsBigInt } from './exact-statement';
import { ask, exactValue, type SqlDatabase, type SqlStatement } from './sqlite';
import { MIN_BATCHED_ROWS, updateInBatches } from './update-batches';
import { storedColumns } from './stored-columns';
import { StoredKeyReader } from './stored-key-reader';
import type { SqlValue } from '../values/sql-value';
import type { PatchGroup, Rowid, TableTouch } from './table-touch';

/**
 * Runs an update step (see `runDataStep`): the dialect's statements once per row, each row they
 * wrote reported to `touch` (as a patch where exact) unless the change log reports it. Where the
 * dialect moves the rows through temporary keys (a swap, a chain), its query for them runs first
 * and its first statement moves the rows to them.
 */
export function runUpdate(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null = null,
): void {
  const query = sqliteDialect.temporaryKeys(step, touch.info);
  const temporaryKeys = query ? ask(db, query) : undefined;
  const statements = sqliteDialect.dataStep(step, touch.info, {
    guard,
    report: true,
    ...(temporaryKeys ? { temporaryKeys } : {}),
  });
  const moves = step.key.some((k) => step.set.includes(k));
  const [only] = statements;
  if (statements.length === 1 && only!.returning.length && !logged && !moves && !guard) {
    const hook = RowHook.open(db, touch.info, step);
    if (hook) return updateHooked(db, step, touch, progress, only!, hook);
  }
  const last = statements.length - 1;
  statements.forEach((st, n) =>
    runStatement(
      db,
      st,
      touch,
      n === last ? progress : () => undefined,
      logged,
      moves,
      statements.length === 1 ? guard : null,
    ),
  );
}

/**
 * Runs one of an update's statements; `moves`: the update sets a key column; `guard`: the guard
 * it checks inline, if any (the plan's step being its only statement).
 */
function runStatement(
  db: SqlDatabase,
  st: SqliteStatement,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  moves: boolean,
  guard: Guard | null,
): void {
  const info = touch.info;
  const step = st.step as UpdateStep;
  const keys = st.keys;
  // Where the rowid is not the key, RETURNING tells which row the key addressed: the change log
  // sees rowids, and an unlogged push reports the row itself.
  const returning = st.returning.length > 0;
  const guarded = st.expect === 'one';
  const keyIndex = step.key.map((k) => step.set.indexOf(k));
  const patch = !logged && !moves ? patchOf(touch, step) : null;
  const s = step.values.length;
  // Keys reported as stored (see StoredKeyReader): the key a row had before a move, which
  // RETURNING cannot give, and every key of a WITHOUT ROWID table.
  const stored =
    (returning && moves) || (info.withoutRowid && !logged)
      ? new StoredKeyReader(db, info, step.key)
      : null;
  // Row `i` of a rowid table, unlogged, was written: a patch where it can be, else read back
  // (`to`: the rowid its key moved it to, if it did).
  const wrote = (i: number, from: Rowid, to: Rowid | null): void => {
    if (!patch?.(from, i)) touch.updated(from, to ?? from);
  };
  const perRow = (stmt: SqlStatement, i: number, params: readonly SqlValue[]): void => {
    if (returning) {
      const prior = moves ? stored!.read(rowAt(keys, i)) : null;
      // The row's rowid, then (an update) its key as stored.
      const row = stepReturningRow(stmt);
      if (row === null) return;
      const rowid = exactValue(row[0]!) as Rowid;
      if (prior) touch.planKey(rowid, prior);
      if (patch?.(rowid, i, row)) return;
      // The row keeps its rowid whatever its key becomes; it is read back.
      if (!logged) touch.updated(rowid, rowid);
    } else {
      const before = stored && moves ? stored.read(rowAt(keys, i)) : null;
      stmt.step();
      if (info.withoutRowid) {
        if (stored && db.getRowsModified() > 0) {
          const given = rowAt(keys, i);
          const after = stored.read(keyIndex.map((j, k) => (j >= 0 ? params[j]! : given[k]!)));
          touch.writeKey(before ?? after, after);
        }
      } else if (guarded && db.getRowsModified() === 0) {
        throw new GuardMiss();
      } else if (!logged && db.getRowsModified() > 0) {
        const j = keyIndex[0]!;
        wrote(i, rowidOf(params[s]!), j >= 0 ? rowidOf(params[j]!) : null);
      }
    }
  };
  const rows = (from: number, to: number, done: (n: number) => void): void =>
    eachRow(
      db,
      from === 0 && to === st.rows
        ? st
        : { ...st, rows: to - from, parameters: (i) => st.parameters(from + i) },
      step,
      (i) => rowAt(step.keys, from + i),
      done,
      (stmt, i, params) => perRow(stmt, from + i, params),
    );
  try {
    if (batchable(st, info, logged, moves)) {
      updateInBatches(
        db,
        st,
        info,
        guard,
        progress,
        (i, key) => wrote(i, rowidOf(key), null),
        (from, to) => rows(from, to, progress),
      );
    } else {
      rows(0, st.rows, progress);
    }
  } finally {
    stored?.free();
  }
}

/** How far apart keys may lie, on average, for their rows to be updated in batches. */
const DENSE_SPAN = 4;

/**
 * Whether `st` runs in batches (see `updateInBatches`): a table keyed by its rowid whose step
 * gives every key as an integer (no RETURNING), moving no key, unlogged (no trigger to run twice
 * on a batch run again row by row), no BigInt to bind exactly, rows enough, rising and close
 * together.
 */
function batchable(st: SqliteStatement, info: TableInfo, logged: boolean, moves: boolean): boolean {
  return (
    !logged &&
    !moves &&
    !info.withoutRowid &&
    st.returning.length === 0 &&
    st.rows >= MIN_BATCHED_ROWS &&
    !holdsBigInt(st.sources, st.rows) &&
    denseKeys(st.keys[0]!, st.rows)
  );
}

/**
 * Whether `n` integer keys rise and lie close together: their span at most {@link DENSE_SPAN}
 * times their number. Batches paid where the rows sit side by side (a whole column: 917-955
 * against 570-583 ms for a million rows in Node); scattered across a large table, looking each
 * row up costs the same either way, and the batch's own work made 10,000 scattered updates slower
 * (a bench apply on dense keys 1.12x the loop against 1.03x). Rising, the rows are written in the
 * step's order whichever way SQLite walks the batch (its rows in order, or the rowids they name),
 * so a UNIQUE value one row gives up and the next takes meets the same fate as row by row.
 */
function denseKeys(keys: ColumnValues, n: number): boolean {
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = Number(keys[i]);
    if (!(k > last)) return false;
    last = k;
  }
  return n === 0 || last - Number(keys[0]) < DENSE_SPAN * n;
}

/**
 * An unlogged, unguarded update of a table whose rowid is not its key, moving no key: as
 * `deleteHooked` (run-delete.ts), each row's rowid told by `hook` and its key as stored by the
 * plan's where that tells it, else by the statement `returning` them.
 */
function updateHooked(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  progress: (n: number) => void,
  returning: SqliteStatement,
  hook: RowHook,
): void {
  const keys = matchedKeys(touch.info, step.keys, step.count);
  const [plain] = sqliteDialect.dataStep(step, touch.info, { guard: null, report: false });
  const patch = patchOf(touch, step);
  eachToldRow(db, plain!, returning, step, keys, hook, progress, (i, rowid, returned) => {
    if (patch?.(rowid, i, returned ?? undefined, returned ? undefined : keys!.values)) return;
    // Not a patch: the row is read back.
    touch.updated(rowid, rowid);
  });
}

/** Each column's affinity, by name (what decides how SQLite stores a value written to it). */
export function columnAffinities(info: TableInfo): Map<string, Affinity> {
  return new Map(info.columns.map((c) => [c.name, affinityOf(c.declaredType)]));
}

/**
 * Records an updated row as a patch (its set columns only) rather than as written, so that it is
 * not read back, where that is exact: the step leaves the table's key alone, the push has not
 * written the row in full before, and each value is stored as given (see `storedColumns`).
 * Returns whether it did. Only for unlogged pushes of rowid tables: nothing but the statement
 * itself changes the row then. A table not keyed by its rowid gives each row's key as stored
 * (`returned`: the row's RETURNING rowid and key columns), which the patch carries for readers.
 * Null for a step none of whose rows can be patches.
 */
function patchOf(
  touch: TableTouch,
  step: UpdateStep,
):
  | ((
      rowid: Rowid,
      i: number,
      returned?: readonly SqlValue[],
      storedKeys?: readonly ColumnValues[],
    ) => boolean)
  | null {
  const info = touch.info;
  if (info.withoutRowid) return null;
  const width = touch.rowidKeyed ? 0 : info.key.columns.length;
  if (step.set.some((c) => info.key.columns.includes(c))) return null;
  const affinities = columnAffinities(info);
  if (step.set.some((c) => !affinities.has(c))) return null;
  const stored = storedColumns(
    step.values,
    step.set.map((c) => affinities.get(c)!),
    step.count,
  );
  if (!stored) return null;
  const { exact } = stored;
  let group: PatchGroup | null = null;
  return (rowid, i, returned, storedKeys) => {
    if ((exact && !exact[i]) || !isRowid(rowid) || !touch.patchable(rowid)) return false;
    if (width && !storedKeys && returned?.length !== width + 1) return false;
    if (!group) {
      group = {
        columns: step.set,
        values: stored.values,
        count: step.count,
        rows: new Int32Array(step.count),
        rowids: new Array<Rowid>(step.count),
        keys: width ? Array.from({ length: width }, () => new Array<SqlValue>(step.count)) : null,
        size: 0,
        stamp: touch.stamp,
      };
      touch.patches.push(group);
    }
    if (group.keys)
      for (let k = 0; k < width; k++)
        group.keys[k]![group.size] = storedKeys ? (storedKeys[k]![i] ?? null) : returned![k + 1]!;
    group.rows[group.size] = i;
    group.rowids[group.size++] = rowid;
    return true;
  };
}
