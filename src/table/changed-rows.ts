/**
 * How many live stored rows differ from the store, kept up to date by every change of a table's
 * pending state, so that `hasChanges` and `changeCounts()` cost the same after one edit as after
 * a million: per stored row, how many columns hold a value other than the stored one.
 *
 * The counts are kept in a small hash table while few rows have one, and in an array by row past
 * a sixty-fourth of the rows. Scattered single-cell edits on a big table then touch a table that
 * stays in cache, where the array's slot for the row would be one more cache and TLB miss per
 * edit; changes of whole columns count into the array. Both are typed arrays: an edit allocates
 * nothing here for the collector to copy (a Map's entries would, and an edit's objects are all
 * kept for undo, so every collection in a burst of edits copies all of them).
 *
 * @example
 * ```ts
 * const changed = new ChangedRows();
 * changed.add(7, true, 1000); // row 7's first changed column
 * changed.count; // 1
 * changed.remove(7, true); // its value is the stored one again
 * ```
 */
export class ChangedRows {
  /**
   * The sparse table, by open addressing: slot `i` holds row + 1 at `2i` (0: a free slot) and the
   * row's count at `2i + 1`. A row whose count falls to 0 keeps its slot (nothing is removed).
   */
  private slots: Int32Array;
  /** Rows holding a slot of the sparse table. */
  private used = 0;
  /** Changed columns per stored row, once past the sparse table's share (allocated then). */
  private perRow: Uint16Array | null = null;
  /** Whether the counts are in `perRow` (else in `slots`, and `perRow` is all zeros). */
  private dense = false;
  /** Live stored rows with at least one changed column. */
  count = 0;

  /**
   * `minSparse`: the sparse table takes this many rows at least, whatever the table's size;
   * `firstSlots` (a power of two): its size to start with. Both are a test's parameters.
   */
  constructor(
    private readonly minSparse = 1024,
    firstSlots = 1024,
  ) {
    this.slots = new Int32Array(2 * firstSlots);
  }

  /** One more changed column in `row` (`live`: the row is neither deleted nor dead). */
  add(row: number, live: boolean, rows: number): void {
    let was: number;
    if (this.dense) {
      let per = this.perRow!;
      if (row >= per.length) per = this.grow(Math.max(row + 1, rows));
      was = per[row]!;
      per[row] = was + 1;
    } else {
      const at = this.slotOf(row);
      was = this.slots[at + 1]!;
      this.slots[at + 1] = was + 1;
      if (this.used > Math.max(this.minSparse, rows >> 6)) this.toDense(rows);
    }
    if (was === 0 && live) this.count++;
  }

  /** One fewer changed column in `row`. */
  remove(row: number, live: boolean): void {
    let now: number;
    if (this.dense) {
      const per = this.perRow!;
      now = per[row]! - 1;
      per[row] = now;
    } else {
      const at = this.slotOf(row);
      now = this.slots[at + 1]! - 1;
      this.slots[at + 1] = now;
    }
    if (now === 0 && live) this.count--;
  }

  /**
   * One more (`by` 1) or one fewer (-1) changed column in each of the first `n` rows marked in
   * `marks` (null: in every one of them): a whole column's worth in one loop. `live` tells whether
   * a row is neither deleted nor dead (null: every row is).
   */
  addMarked(
    marks: Uint8Array | null,
    n: number,
    by: 1 | -1,
    live: ((row: number) => boolean) | null,
  ): void {
    // A whole column's counts go to the array by row.
    if (!this.dense) this.toDense(n);
    let per = this.perRow!;
    if (n > per.length) per = this.grow(n);
    // A row starts (or stops) counting at its first (or last) changed column.
    const edge = by === 1 ? 0 : 1;
    let counted = 0;
    if (marks === null && live === null) {
      // Every row of a column a transform replaced: nothing to look up but the count.
      for (let r = 0; r < n; r++) {
        const was = per[r]!;
        per[r] = was + by;
        if (was === edge) counted++;
      }
    } else {
      for (let r = 0; r < n; r++) {
        if (marks !== null && marks[r] === 0) continue;
        const was = per[r]!;
        per[r] = was + by;
        if (was === edge && (live === null || live(r))) counted++;
      }
    }
    this.count += by * counted;
  }

  /** `row` was deleted: its changes no longer count. */
  hide(row: number): void {
    if (this.has(row)) this.count--;
  }

  /** A deleted `row` came back: its changes count again. */
  show(row: number): void {
    if (this.has(row)) this.count++;
  }

  /** Whether a column of `row` differs from the store. */
  has(row: number): boolean {
    if (!this.dense) {
      const at = this.find(row);
      return at >= 0 && this.slots[at + 1]! > 0;
    }
    const per = this.perRow!;
    return row < per.length && per[row]! > 0;
  }

  /**
   * Forgets every change. The arrays are kept, zeroed: a new one would cost a page fault at the
   * first touch of each of its pages, which the next changes would pay.
   */
  clear(): void {
    if (this.dense) this.perRow!.fill(0);
    if (this.used > 0) this.slots.fill(0);
    this.dense = false;
    this.used = 0;
    this.count = 0;
  }

  /** The index in `slots` of `row`'s pair, or -1. */
  private find(row: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let i = hashRow(row) & mask; ; i = (i + 1) & mask) {
      const held = slots[2 * i]!;
      if (held === row + 1) return 2 * i;
      if (held === 0) return -1;
    }
  }

  /** The index in `slots` of `row`'s pair, taking a free slot (count 0) when it has none. */
  private slotOf(row: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let i = hashRow(row) & mask; ; i = (i + 1) & mask) {
      const held = slots[2 * i]!;
      if (held === row + 1) return 2 * i;
      if (held === 0) {
        if (2 * (this.used + 1) > slots.length >> 1) {
          this.rehash(slots.length);
          return this.slotOf(row);
        }
        slots[2 * i] = row + 1;
        this.used++;
        return 2 * i;
      }
    }
  }

  /** Moves the pairs to a table of `length` entries (twice as many slots), at most half full. */
  private rehash(length: number): void {
    const old = this.slots;
    const slots = new Int32Array(2 * length);
    const mask = length - 1;
    for (let j = 0; j < old.length; j += 2) {
      const held = old[j]!;
      if (held === 0) continue;
      let i = hashRow(held - 1) & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = held;
      slots[2 * i + 1] = old[j + 1]!;
    }
    this.slots = slots;
  }

  /** Moves the counts from the sparse table to the array by row. */
  private toDense(rows: number): void {
    const slots = this.slots;
    let max = rows - 1;
    for (let j = 0; j < slots.length; j += 2) if (slots[j]! - 1 > max) max = slots[j]! - 1;
    const per = this.perRow !== null && this.perRow.length > max ? this.perRow : this.grow(max + 1);
    for (let j = 0; j < slots.length; j += 2) if (slots[j]! > 0) per[slots[j]! - 1] = slots[j + 1]!;
    slots.fill(0);
    this.used = 0;
    this.dense = true;
  }

  private grow(rows: number): Uint16Array {
    const grown = new Uint16Array(rows);
    if (this.perRow !== null) grown.set(this.perRow);
    this.perRow = grown;
    return grown;
  }
}

/** Spreads rows over the table's slots, rows a fixed step apart too (scattered edits). */
function hashRow(row: number): number {
  const h = Math.imul(row ^ (row >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}
