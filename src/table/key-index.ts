import type { CellValue } from '../values/sql-value';
import { HashKeyIndex } from './hash-key-index';
import { RangeKeyIndex } from './range-key-index';
import type { ColumnArray } from './row-store';

/**
 * How a row store finds its live rows by key. It holds no keys: it reads them from the store's
 * columns (`cols`, the store's own array, whose entries the store may replace), so a row must be
 * removed while it still holds the key it was added under.
 */
export interface KeyIndex {
  /** The row holding `key` (canonical values, one per key column), or -1. */
  find(key: readonly CellValue[]): number;
  /** `find` of a one-column key given as its value. */
  findOne(value: CellValue): number;
  /**
   * Indexes `row` under its current key. False when this kind of index cannot hold it (a key out
   * of its range, two rows on one key): the store then builds a hash index instead.
   */
  add(row: number): boolean;
  /** Stops indexing `row`, which still holds the key it was added under. */
  remove(row: number): void;
}

/**
 * An index of the live rows `0..length-1` of `cols` by the key columns `key`: a direct table by
 * value for one integer column whose values lie close together (gapped ids: no hashing, no
 * probing, no key read back), a hash index otherwise.
 */
export function buildKeyIndex(
  cols: readonly ColumnArray[],
  key: readonly number[],
  length: number,
  isLive: (row: number) => boolean,
  hashed = false,
): KeyIndex {
  if (!hashed && key.length === 1) {
    const range = RangeKeyIndex.over(cols, key[0]!, length, isLive);
    if (range !== null) return range;
  }
  const index = new HashKeyIndex(cols, key, length);
  for (let r = 0; r < length; r++) if (isLive(r)) index.add(r);
  return index;
}
