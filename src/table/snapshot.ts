import type { ColumnTable } from 'arquero';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import { ColumnView } from './column-view';
import { SnapshotTable } from './snapshot-table';
import type { TableState } from './table-state';

/**
 * An Arquero table of the current state, and how its positions map to rows. Positions below
 * `stored` are the live stored rows in slot order (`slots[p]`, or `p` itself when no stored row
 * is hidden), the others the inserted rows in insertion order. Deleted rows are not in it at all:
 * every reader, `column()` included, sees only live rows.
 */
export interface Snapshot {
  readonly table: ColumnTable;
  /** Number of stored rows shown. */
  readonly stored: number;
  /** The store slot of each stored position, or null when position and slot are the same. */
  readonly slots: Int32Array | null;
  readonly inserted: readonly number[];
}

/** Row of a position of a snapshot. */
export function rowAt(snapshot: Snapshot, position: number): number {
  if (position < snapshot.stored)
    return snapshot.slots === null ? position : snapshot.slots[position]!;
  return snapshot.inserted[position - snapshot.stored]!;
}

/**
 * Builds a snapshot: a read-only view per column over what the column reads (the store's array,
 * an assigned or converted array) plus a copy of its pending single-cell edits and its inserted
 * rows' values. The cost is that of the pending edits, not of the rows: nothing is copied or
 * materialised per row (the slots of live rows, when some are deleted, are kept between
 * snapshots until rows are deleted or restored again).
 */
export function buildSnapshot(state: TableState): Snapshot {
  const { slots, stored } = state.liveSlots();
  const inserted = state.insertedIds();
  const data: Record<string, ColumnView> = {};
  for (const col of state.columns) data[col.name] = viewOf(state, col, slots, stored, inserted);
  const names = state.columns.map((c) => c.name);
  return { table: new SnapshotTable(data, names), stored, slots, inserted };
}

function viewOf(
  state: TableState,
  col: ColumnState,
  slots: Int32Array | null,
  stored: number,
  inserted: readonly number[],
): ColumnView {
  const own = col.dense ?? col.base;
  const fromStore = own === null && col.origin >= 0;
  const tail = new Array<CellValue>(inserted.length);
  for (let i = 0; i < inserted.length; i++) tail[i] = state.value(inserted[i]!, col);
  return new ColumnView({
    source: own ?? (fromStore ? state.store.raw(col.origin) : null),
    epoch: fromStore ? state.store.capture(col.origin) : null,
    fill: col.fill,
    cells: col.cells.size ? new Map(col.cells) : null,
    slots,
    stored,
    tail,
  });
}

/** Calls `fn` with each raw position of `table` that its filter keeps, in storage order. */
export function scanPositions(table: ColumnTable, fn: (position: number) => void): void {
  table.scan((p) => fn(p!), false);
}

/** Raw positions of `table` that its filter keeps, in storage order. */
export function positionsOf(table: ColumnTable): number[] {
  const out: number[] = [];
  scanPositions(table, (p) => out.push(p));
  return out;
}
