import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import { ColumnValuesMutation } from './mutations';
import type { TableState } from './table-state';

/**
 * Past this share of stored rows, a bulk write replaces the whole column (one array) instead of
 * recording one edit per cell (a Map entry each).
 */
export const DENSE_SHARE = 1 / 8;

/**
 * Writes canonical values to rows of one column as part of the current operation. Stored rows go
 * in one mutation (dense or sparse), inserted rows cell by cell.
 */
export function writeColumn(
  state: TableState,
  col: ColumnState,
  rows: readonly number[],
  values: readonly CellValue[],
): void {
  if (state.isKeyColumn(col)) {
    for (let i = 0; i < rows.length; i++) state.noteKeyWrite(rows[i]!, col, values[i]!);
  }
  const n = state.store.length;
  const current = state.slotReader(col);
  let stored = 0;
  let changes = false;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r < 0) continue;
    stored++;
    // A write that changes no value is no operation: undo would have nothing to take back.
    changes ||= !valuesEqual(values[i]!, current(r));
  }
  if (!changes) stored = 0;
  if (stored > 0 && stored >= n * DENSE_SHARE) {
    const dense = new Array<CellValue>(n);
    for (let r = 0; r < n; r++) dense[r] = current(r);
    for (let i = 0; i < rows.length; i++) if (rows[i]! >= 0) dense[rows[i]!] = values[i]!;
    state.record(new ColumnValuesMutation(col, col.dense, col.cells, dense, new Map()));
  } else if (stored > 0) {
    const cells = new Map(col.cells);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r < 0) continue;
      const v = values[i]!;
      if (valuesEqual(v, state.underlying(r, col))) cells.delete(r);
      else cells.set(r, v);
    }
    state.record(new ColumnValuesMutation(col, col.dense, col.cells, col.dense, cells));
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r < 0) state.write(r, col, values[i]!);
  }
}
