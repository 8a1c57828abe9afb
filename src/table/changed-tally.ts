import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import { markDiffering } from './differing-rows';
import type { ColumnArray } from './row-store';
import type { TableState } from './table-state';

/** Values known to differ from `against` in every stored row (see `TableState.assignColumn`). */
export interface DiffersEverywhere {
  readonly dense: ColumnArray;
  readonly against: ArrayLike<unknown>;
}

/**
 * Adds the rows of a live `col` that differ from the store to the table's changed-rows count
 * (`by` 1: its values were replaced, or it came back), or takes them away (-1: before its values
 * are replaced, or it goes). A column assigned whole is compared as two arrays side by side, in
 * one pass, unless `everywhere` says it differs in every row already.
 */
export function tallyColumn(
  state: TableState,
  col: ColumnState,
  by: 1 | -1,
  everywhere: DiffersEverywhere | null,
): void {
  if (col.dropped) return;
  const store = state.store;
  const changed = state.changed;
  const n = store.length;
  const live = state.deleted.size === 0 && !store.hasDead ? null : (r: number) => state.isLive(r);
  const stored = col.base ?? (col.origin >= 0 ? store.raw(col.origin) : null);
  if (col.dense !== null && col.cells.size === 0 && stored !== null) {
    // A whole column assigned (a transform's, an assign's): two arrays side by side, unless
    // the caller that assigns it has just compared them.
    const every = by === 1 && everywhere?.dense === col.dense && everywhere.against === stored;
    changed.addMarked(every ? null : markDiffering(col.dense, stored, n), n, by, live);
    return;
  }
  const isLive = live ?? (() => true);
  eachDiffering(
    state,
    col,
    by === 1 ? (r) => changed.add(r, isLive(r), n) : (r) => changed.remove(r, isLive(r)),
  );
}

/** Each stored row whose value in `col` differs from the store. */
function eachDiffering(state: TableState, col: ColumnState, fn: (row: number) => void): void {
  if (col.dense !== null) {
    const n = state.store.length;
    const read = state.slotReader(col);
    for (let r = 0; r < n; r++) if (!valuesEqual(read(r), state.baseline(r, col))) fn(r);
  } else {
    for (const [r, v] of col.cells) if (!valuesEqual(v, state.baseline(r, col))) fn(r);
  }
}
