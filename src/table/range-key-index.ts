import type { CellValue } from '../values/sql-value';
import type { KeyIndex } from './key-index';
import type { ColumnArray } from './row-store';

const EMPTY = -1;

/** At most this many slots per indexed row (and at least this many slots allowed in all). */
const SLOTS_PER_ROW = 4;
const MIN_SLOTS = 1024;

/**
 * An index of one integer key column by value: slot `key - min` holds the row, in one Int32Array.
 * For integer keys that lie close together (ids with gaps, ids after deletes and appends) a lookup
 * is one subtraction and one read: no hashing, no probing, and no key read back from the column.
 * It takes at most four slots per row (16 bytes; a hash index takes 16 to 32): keys spread wider,
 * or anything but safe integers, make `add` refuse, and the store builds a hash index instead.
 *
 * @example
 * ```ts
 * const index = RangeKeyIndex.over([ids], 0, ids.length, () => true);
 * index?.findOne(42);
 * ```
 */
export class RangeKeyIndex implements KeyIndex {
  private constructor(
    private readonly cols: readonly ColumnArray[],
    private readonly column: number,
    private slots: Int32Array,
    private min: number,
    private used: number,
  ) {}

  /** An index of the live rows of `cols[column]`, or null when the keys do not suit one. */
  static over(
    cols: readonly ColumnArray[],
    column: number,
    length: number,
    isLive: (row: number) => boolean,
  ): RangeKeyIndex | null {
    const col = cols[column]!;
    let min = Infinity;
    let max = -Infinity;
    let live = 0;
    for (let r = 0; r < length; r++) {
      if (!isLive(r)) continue;
      const v = col[r];
      if (!isSafeInteger(v)) return null;
      if (v < min) min = v;
      if (v > max) max = v;
      live++;
    }
    if (live === 0) min = max = 0;
    if (max - min + 1 > budget(live)) return null;
    const index = new RangeKeyIndex(cols, column, new Int32Array(0), min, 0);
    index.slots = new Int32Array(Math.min(budget(live), 2 * (max - min + 1))).fill(EMPTY);
    for (let r = 0; r < length; r++) if (isLive(r) && !index.add(r)) return null;
    return index;
  }

  find(key: readonly CellValue[]): number {
    return this.findOne(key[0] ?? null);
  }

  findOne(value: CellValue): number {
    if (typeof value !== 'number') return -1;
    const at = value - this.min;
    // Not an integer (a fraction, NaN, far beyond int32), or out of range: no row.
    if ((at | 0) !== at || at < 0 || at >= this.slots.length) return -1;
    return this.slots[at | 0]!;
  }

  add(row: number): boolean {
    const v = this.cols[this.column]![row];
    if (!isSafeInteger(v)) return false;
    let at = v - this.min;
    if (at < 0 || at >= this.slots.length) {
      if (!this.cover(v)) return false;
      at = v - this.min;
    }
    const held = this.slots[at]!;
    if (held !== EMPTY && held !== row) return false;
    if (held === EMPTY) this.used++;
    this.slots[at] = row;
    return true;
  }

  remove(row: number): void {
    const v = this.cols[this.column]![row];
    if (typeof v !== 'number') return;
    const at = v - this.min;
    if (this.slots[at] === row) {
      this.slots[at] = EMPTY;
      this.used--;
    }
  }

  /**
   * Widens the slots to take key `v`, with room for as many keys again beyond it (appended ids
   * grow one by one), within the budget; false when `v` lies too far.
   */
  private cover(v: number): boolean {
    const old = this.slots;
    const max = this.min + old.length - 1;
    const lo = Math.min(this.min, v);
    const hi = Math.max(max, v);
    const limit = budget(this.used + 1);
    if (hi - lo + 1 > limit) return false;
    const room = Math.min(limit - (hi - lo + 1), hi - lo + 1);
    const min = v < this.min ? lo - room : lo;
    const slots = new Int32Array(hi - lo + 1 + room).fill(EMPTY);
    slots.set(old, this.min - min);
    this.slots = slots;
    this.min = min;
    return true;
  }
}

function budget(rows: number): number {
  return Math.max(MIN_SLOTS, SLOTS_PER_ROW * rows);
}

function isSafeInteger(v: CellValue | undefined): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
