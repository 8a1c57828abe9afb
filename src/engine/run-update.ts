import { affinityOf, type Affinity } from '../dialect/sqlite/affinity';
import { keyMovesOf } from '../dialect/key-moves';
import { isRowid, sqliteDataStep, throughTemporaryKeys } from '../dialect/sqlite/sqlite-data-step';
import { rowidName } from '../dialect/sqlite/sqlite-rowid';
import type { ColumnValues, Guard, UpdateStep } from '../plan/execution-plan';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { eachRow, rowAt, rowidOf, stepReturning } from './each-row';
import { GuardMiss } from './inline-guards';
import { exactValue, selectValue, type SqlDatabase } from './sqlite';
import { storedColumns } from './stored-columns';
import type { PatchGroup, Rowid, TableTouch } from './table-touch';

/**
 * Runs an update step (see `runDataStep`): the dialect's statement once per row, each row it
 * wrote reported to `touch` (as a patch where exact) unless the change log reports it. Rows whose
 * new keys are other moved rows' old keys move through temporary keys first.
 */
export function runUpdate(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null = null,
): void {
  const info = touch.info;
  const keyMoves = keyMovesOf(step);
  const moves = keyMoves !== 'none';
  let keys = step.keys;
  if (keyMoves === 'viaTemporary') keys = moveToTemporaryKeys(db, step, touch, logged);
  const st = sqliteDataStep(step, info, { guard, keys });
  // Where the rowid is not the key, RETURNING tells which row the key addressed: the change log
  // sees rowids, and an unlogged push reports the row itself.
  const returning = st.returning.length > 0;
  const keyIndex = step.key.map((k) => step.set.indexOf(k));
  const patch = !logged && !moves ? patchOf(touch, step) : null;
  const s = step.values.length;
  eachRow(
    db,
    st,
    step,
    (i) => rowAt(step.keys, i),
    progress,
    (stmt, i, params) => {
      if (returning) {
        const rowid = stepReturning(stmt);
        if (rowid === null) return;
        if (moves) touch.planKey(rowid, rowAt(keys, i));
        // The row keeps its rowid whatever its key becomes; it is read back.
        if (!logged) touch.updated(rowid, rowid);
      } else {
        stmt.step();
        if (info.withoutRowid) {
          if (!logged && db.getRowsModified() > 0) {
            const before = rowAt(keys, i);
            const after = keyIndex.map((j, k) => (j >= 0 ? params[j]! : before[k]!));
            touch.writeKey(before, after);
          }
        } else if (guard && db.getRowsModified() === 0) {
          throw new GuardMiss();
        } else if (!logged && db.getRowsModified() > 0) {
          const from = rowidOf(params[s]!);
          if (patch?.(from, i)) return;
          const j = keyIndex[0]!;
          touch.updated(from, j >= 0 ? rowidOf(params[j]!) : from);
        }
      }
    },
  );
}

/** Each column's affinity, by name (what decides how SQLite stores a value written to it). */
export function columnAffinities(info: TableInfo): Map<string, Affinity> {
  return new Map(info.columns.map((c) => [c.name, affinityOf(c.declaredType)]));
}

/**
 * Records an updated row as a patch (its set columns only) rather than as written, so that it is
 * not read back, where that is exact: the step leaves the table's key alone, the push has not
 * written the row in full before, and each value is stored as given (see `storedColumns`).
 * Returns whether it did. Only for unlogged pushes of rowid-keyed tables: nothing but the
 * statement itself changes the row then. Null for a step none of whose rows can be patches.
 */
function patchOf(
  touch: TableTouch,
  step: UpdateStep,
): ((rowid: Rowid, i: number) => boolean) | null {
  const info = touch.info;
  if (info.withoutRowid || !touch.rowidKeyed) return null;
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
  return (rowid, i) => {
    if ((exact && !exact[i]) || !isRowid(rowid) || !touch.patchable(rowid)) return false;
    if (!group) {
      group = {
        columns: step.set,
        values: stored.values,
        count: step.count,
        rows: [],
        rowids: [],
        stamp: touch.stamp,
      };
      touch.patches.push(group);
    }
    group.rows.push(i);
    group.rowids.push(rowid);
    return true;
  };
}

/**
 * Moves the rows of a step whose new keys are other moved rows' old keys (a swap, a chain) to
 * temporary keys first, so that no statement ever makes two rows share a key. Returns the keys the
 * rows have afterwards.
 */
function moveToTemporaryKeys(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  logged: boolean,
): ColumnValues[] {
  const rid = rowidName(touch.info);
  const n = step.count;
  const temps: SqlValue[] = new Array<SqlValue>(n);
  if (touch.rowidKeyed) {
    // Integer keys past the largest rowid are free; below the smallest when the top is taken.
    const max = selectValue(db, `SELECT max(${rid}) FROM ${q(step.table)}`);
    const top = typeof max === 'bigint' ? max : BigInt(Math.trunc(Number(max ?? 0)));
    const room = 9223372036854775807n - top > BigInt(n);
    const min = selectValue(db, `SELECT min(${rid}) FROM ${q(step.table)}`);
    const bottom = typeof min === 'bigint' ? min : BigInt(Math.trunc(Number(min ?? 0)));
    for (let i = 0; i < n; i++)
      temps[i] = exactValue(room ? top + 1n + BigInt(i) : bottom - 1n - BigInt(i));
  } else {
    // A BLOB never equals a stored key of another type, and keeps its type under any affinity.
    const salt = crypto.getRandomValues(new Uint8Array(12));
    for (let i = 0; i < n; i++) {
      const b = new Uint8Array(16);
      b.set(salt);
      new DataView(b.buffer).setUint32(12, i);
      temps[i] = b;
    }
  }
  const moved = throughTemporaryKeys(step, temps);
  runUpdate(db, moved.step, touch, () => undefined, logged);
  return moved.keys;
}
