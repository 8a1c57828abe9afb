import type { ColumnValues } from '../plan/execution-plan';
import { storedExactly, type Affinity } from '../dialect/sqlite/affinity';
import { isPlainTextColumn } from '../values/codec';
import type { SqlValue } from '../values/sql-value';

const TWO_53 = 2 ** 53;

/**
 * The values a step's columns leave stored, where certain without reading them back (see
 * `storedExactly`), worked out column by column before the step runs.
 */
export interface StoredColumns {
  /** Per column, the values as a read would give them (the step's own array when unchanged). */
  readonly values: ColumnValues[];
  /** 1 where every column of the row is certain; null when every row is. */
  readonly exact: Uint8Array | null;
}

/**
 * The stored form of `n` rows of `columns` under `affinities`, or null when no row's is certain.
 * A Float64Array column (finite numbers) is checked without boxing a value, and kept as it is.
 */
export function storedColumns(
  columns: readonly ColumnValues[],
  affinities: readonly Affinity[],
  n: number,
): StoredColumns | null {
  let exact: Uint8Array | null = null;
  const fail = (i: number): void => {
    exact ??= new Uint8Array(n).fill(1);
    exact[i] = 0;
  };
  const values: ColumnValues[] = [];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const affinity = affinities[c]!;
    if (col instanceof Float64Array) {
      // Numbers become text under TEXT affinity: nothing to know.
      if (affinity === 'TEXT') return null;
      const integral = affinity === 'INTEGER' || affinity === 'NUMERIC';
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        // -0 is stored as 0; whole numbers beyond 2^53 come back as BigInts (as `storedExactly`).
        // Below 2^53 in magnitude every other number is stored as given: one comparison each.
        if (v === 0) {
          if (Object.is(v, -0)) fail(i);
        } else if (!(v > -TWO_53 && v < TWO_53)) {
          if (!Number.isFinite(v) || (integral && Number.isInteger(v) && !Number.isSafeInteger(v)))
            fail(i);
        }
      }
      values.push(col);
      continue;
    }
    if ((affinity === 'TEXT' || affinity === 'BLOB') && isPlainTextColumn(col, n)) {
      values.push(col);
      continue;
    }
    let out: SqlValue[] | null = null;
    for (let i = 0; i < n; i++) {
      const v = col[i] ?? null;
      const stored = storedExactly(affinity, v);
      if (stored === undefined) fail(i);
      else if (stored !== v) (out ??= col.slice(0, n))[i] = stored;
    }
    values.push(out ?? col);
  }
  if (exact !== null && (exact as Uint8Array).every((e) => e === 0)) return null;
  return { values, exact };
}
