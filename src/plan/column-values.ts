import type { SqlValue } from '../values/sql-value';
import type { ColumnValues } from './execution-plan';

/**
 * Packs stored values into their transfer form: a Float64Array when every value is a number
 * (smaller, and moved to the worker without copying), else the array itself.
 *
 * @example
 * ```ts
 * toColumnValues([1, 2.5]) // Float64Array [1, 2.5]
 * toColumnValues([1, null]) // [1, null]
 * ```
 */
export function toColumnValues(values: SqlValue[]): ColumnValues {
  const n = values.length;
  for (let i = 0; i < n; i++) if (typeof values[i] !== 'number') return values;
  // Filled by index: `Float64Array.from` goes through the iterator protocol.
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] as number;
  return out;
}

/**
 * Builds `n` stored values with `get` and packs them: straight into a Float64Array while they are
 * numbers, so that a numeric column allocates one array, not two.
 */
export function columnValuesOf(n: number, get: (i: number) => SqlValue): ColumnValues {
  const numbers = new Float64Array(n);
  let i = 0;
  for (; i < n; i++) {
    const v = get(i);
    if (typeof v !== 'number') {
      const out = new Array<SqlValue>(n);
      for (let k = 0; k < i; k++) out[k] = numbers[k]!;
      out[i] = v;
      for (let k = i + 1; k < n; k++) out[k] = get(k);
      return out;
    }
    numbers[i] = v;
  }
  return numbers;
}
