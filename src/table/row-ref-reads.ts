import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';
import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import { rowAt, type Snapshot } from './snapshot';
import type { TableState } from './table-state';

/** What happened to a row since the last push. */
export type RowState = 'unchanged' | 'inserted' | 'updated' | 'deleted';

/**
 * References of the rows in table order: stored rows (deleted ones too when `includeDeleted`),
 * then inserted rows (see `TrackedTable.rowRefs`).
 *
 * @example
 * ```ts
 * const refs = rowRefsOf(state, false);
 * ```
 */
export function rowRefsOf(s: TableState, includeDeleted: boolean): Int32Array {
  const inserted = s.insertedIds();
  const n = s.store.length;
  // Written straight into the result: a number[] of a million references, then copied, was a
  // task of 130-210 ms on the page each time a large table was shown.
  const out = new Int32Array(n + inserted.length);
  const skipDeleted = !includeDeleted && s.deleted.size > 0;
  let at = 0;
  for (let r = 0; r < n; r++) {
    if (s.store.isDead(r) || (skipDeleted && s.deleted.has(r))) continue;
    out[at++] = r;
  }
  for (const id of inserted) out[at++] = id;
  return at === out.length ? out : out.slice(0, at);
}

/** References of the rows of a view made from the snapshot `snap`, in the view's order. */
export function refsOfView(s: TableState, snap: Snapshot, view: unknown): Int32Array {
  if (typeof (view as Partial<ColumnTable> | null)?.indices !== 'function') {
    throw new PandalchemyError(
      'invalid_argument',
      `refsOf() takes a view made from table() (filter, orderby, slice...); got ${describeValue(view)}.`,
      { table: s.name },
    );
  }
  const indices = (view as ColumnTable).indices(true);
  return Int32Array.from(indices, (p) => rowAt(snap, p));
}

/**
 * Whether the row `ref` is unchanged, inserted, updated or deleted since the last push. Reads of
 * a reference are not checked, as edits are: a grid renders with the references it holds until
 * it takes the new ones, and one made stale by a push must not break the render.
 */
export function rowStateAt(s: TableState, ref: number): RowState {
  if (ref < 0) return 'inserted';
  if (s.deleted.has(ref)) return 'deleted';
  return s.columns.some((c) => isChanged(s, ref, c)) ? 'updated' : 'unchanged';
}

/** Whether a cell differs from its stored value (always true for an inserted row's given cells). */
export function cellChangedAt(s: TableState, ref: number, column: string): boolean {
  const col = s.column(column);
  if (ref < 0) return !s.isUnset(ref, col);
  return isChanged(s, ref, col);
}

function isChanged(s: TableState, row: number, col: ColumnState): boolean {
  if (!col.cells.has(row) && !col.dense) return false;
  return !valuesEqual(s.value(row, col), s.baseline(row, col));
}
