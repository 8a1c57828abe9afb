import { BitSet, ColumnTable } from 'arquero';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import type { ColumnArray } from './row-store';
import type { TableState } from './table-state';

/**
 * An Arquero table of the current state, and how its raw positions map to rows. Raw position `p`
 * is stored row `p` when `p < storeLength`, else inserted row `inserted[p - storeLength]`. Deleted
 * rows are hidden by an Arquero filter, as Arquero's own `filter` verb does: read values with
 * `get`, `array`, `objects` or any verb (as for every filtered Arquero table, `column()` returns
 * the unfiltered storage).
 */
export interface Snapshot {
  readonly table: ColumnTable;
  readonly storeLength: number;
  readonly inserted: readonly number[];
}

/** Row of a raw position of a snapshot. */
export function rowAt(snapshot: Snapshot, position: number): number {
  return position < snapshot.storeLength
    ? position
    : snapshot.inserted[position - snapshot.storeLength]!;
}

/**
 * Builds a snapshot. Columns without pending edits share the store's arrays (the store copies them
 * before writing again); edited columns are materialised.
 */
export function buildSnapshot(state: TableState): Snapshot {
  const store = state.store;
  const storeLength = store.length;
  const inserted = state.insertedIds();
  const total = storeLength + inserted.length;
  const data: Record<string, ColumnArray> = {};
  for (const col of state.columns) {
    const clean = col.origin >= 0 && !col.dense && !col.base && col.cells.size === 0;
    // Dense and converted columns are never written in place once built: share them too.
    const whole = col.dense ?? col.base;
    data[col.name] =
      clean && inserted.length === 0
        ? store.view(col.origin)
        : whole && col.cells.size === 0 && inserted.length === 0 && whole.length === storeLength
          ? (whole as ColumnArray)
          : materialize(state, col, storeLength, inserted, total);
  }
  const names = state.columns.map((c) => c.name);
  let filter: BitSet | undefined;
  if (state.deleted.size > 0 || store.hasDead) {
    filter = new BitSet(total);
    for (let p = 0; p < total; p++)
      if (state.isLive(p < storeLength ? p : inserted[p - storeLength]!)) filter.set(p);
  }
  return { table: new ColumnTable(data, names, filter), storeLength, inserted };
}

function materialize(
  state: TableState,
  col: ColumnState,
  storeLength: number,
  inserted: readonly number[],
  total: number,
): ColumnArray {
  const source: ArrayLike<CellValue> | null =
    col.dense ?? col.base ?? (col.origin >= 0 ? state.store.raw(col.origin) : null);
  const typed = source instanceof Float64Array && allNumbers(state, col, inserted);
  const out: ColumnArray = typed ? new Float64Array(total) : new Array<CellValue>(total);
  if (source instanceof Float64Array && typed) {
    (out as Float64Array).set(source.subarray(0, storeLength));
  } else if (source) {
    for (let r = 0; r < storeLength; r++) out[r] = (source[r] ?? null) as never;
  } else {
    const fill = col.fill;
    for (let r = 0; r < storeLength; r++) out[r] = fill as never;
  }
  for (const [r, v] of col.cells) out[r] = v as never;
  for (let i = 0; i < inserted.length; i++) {
    out[storeLength + i] = state.value(inserted[i]!, col) as never;
  }
  return out;
}

function allNumbers(state: TableState, col: ColumnState, inserted: readonly number[]): boolean {
  for (const v of col.cells.values()) if (typeof v !== 'number') return false;
  for (const r of inserted) if (typeof state.value(r, col) !== 'number') return false;
  return true;
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
