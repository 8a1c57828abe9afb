const EMPTY = -1;
const REMOVED = -2;

/**
 * An open-addressing hash index from key to row number, stored in one Int32Array (4 bytes per
 * slot, at most half full): a fraction of the memory of a Map over a million keys. It holds no keys:
 * it asks the owner for a row's hash and whether a row matches a probe, so keys live only in the
 * table's columns.
 *
 * @example
 * ```ts
 * const index = new KeyIndex<number>((r) => hashValue(ids[r]), hashValue, (r, k) => ids[r] === k);
 * index.add(0); index.find(42);
 * ```
 */
export class KeyIndex<P> {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private removed = 0;

  constructor(
    private readonly hashRow: (row: number) => number,
    private readonly hashProbe: (probe: P) => number,
    private readonly matches: (row: number, probe: P) => boolean,
    expectedRows = 0,
  ) {
    const capacity = capacityFor(expectedRows);
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  /** Number of rows indexed. */
  get size(): number {
    return this.used;
  }

  /** The row whose key matches `probe`, or -1. */
  find(probe: P): number {
    const slots = this.slots;
    let i = this.hashProbe(probe) & this.mask;
    for (;;) {
      const row = slots[i]!;
      if (row === EMPTY) return -1;
      if (row >= 0 && this.matches(row, probe)) return row;
      i = (i + 1) & this.mask;
    }
  }

  /** Indexes `row` under its current key. The caller guarantees no other row holds that key. */
  add(row: number): void {
    if ((this.used + this.removed + 1) * 2 > this.slots.length) this.grow();
    this.place(row);
    this.used++;
  }

  /** Removes `row`; call while the row still holds the key it was indexed under. */
  remove(row: number): boolean {
    const slots = this.slots;
    let i = this.hashRow(row) & this.mask;
    for (;;) {
      const r = slots[i]!;
      if (r === EMPTY) return false;
      if (r === row) {
        slots[i] = REMOVED;
        this.used--;
        this.removed++;
        return true;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Re-places every row (after rows were renumbered, e.g. by compaction). */
  rebuild(rows: Iterable<number>, expectedRows: number): void {
    const capacity = capacityFor(expectedRows);
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.used = 0;
    this.removed = 0;
    for (const r of rows) {
      this.place(r);
      this.used++;
    }
  }

  private place(row: number): void {
    const slots = this.slots;
    let i = this.hashRow(row) & this.mask;
    while (slots[i]! >= 0) i = (i + 1) & this.mask;
    if (slots[i] === REMOVED) this.removed--;
    slots[i] = row;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = capacityFor(Math.max(this.used * 2, 8));
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.removed = 0;
    for (const r of old) if (r >= 0) this.place(r);
  }
}

function capacityFor(rows: number): number {
  let c = 16;
  while (c < rows * 2) c *= 2;
  return c;
}
