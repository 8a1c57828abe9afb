import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { ColumnArray } from './row-store';

/**
 * Marks (1) each of the first `n` slots where a whole column's values (`dense`) differ from the
 * values they are compared with (`stored`), by change detection's equality (see valuesEqual).
 * Each pairing of array kinds has a loop of its own, so that each loop's reads see one kind of
 * array, and nothing is called per row where the kinds settle it: the changed-rows count of a
 * column a transform replaced is one such loop, then one over the marks.
 */
export function markDiffering(
  dense: ColumnArray,
  stored: ArrayLike<CellValue>,
  n: number,
): Uint8Array {
  const marks = new Uint8Array(n);
  if (dense instanceof Float64Array) {
    if (stored instanceof Float64Array) markNumbers(dense, stored, n, marks);
    else markAny(dense, stored, n, marks);
  } else if (Array.isArray(stored)) markArrays(dense, stored as readonly CellValue[], n, marks);
  else markAny(dense, stored, n, marks);
  return marks;
}

function markNumbers(a: Float64Array, b: Float64Array, n: number, marks: Uint8Array): void {
  // Numbers differ unless equal or both NaN.
  for (let r = 0; r < n; r++) {
    const x = a[r]!;
    const y = b[r]!;
    if (x !== y && (x === x || y === y)) marks[r] = 1;
  }
}

function markArrays(
  a: readonly CellValue[],
  b: readonly CellValue[],
  n: number,
  marks: Uint8Array,
): void {
  for (let r = 0; r < n; r++) {
    const x = a[r];
    const y = b[r];
    if (x === y) continue;
    // Two strings that are not identical differ; anything else takes the full comparison.
    if ((typeof x === 'string' && typeof y === 'string') || !valuesEqual(x ?? null, y ?? null))
      marks[r] = 1;
  }
}

function markAny(
  a: ArrayLike<CellValue>,
  b: ArrayLike<CellValue>,
  n: number,
  marks: Uint8Array,
): void {
  for (let r = 0; r < n; r++) {
    const x = a[r];
    const y = b[r];
    if (x !== y && !valuesEqual(x ?? null, y ?? null)) marks[r] = 1;
  }
}
