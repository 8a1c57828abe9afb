/**
 * How many live stored rows differ from the store, kept up to date by every change of a table's
 * pending state, so that `hasChanges` and `changeCounts()` cost the same after one edit as after
 * a million: per stored row, how many columns hold a value other than the stored one.
 *
 * The counts are kept in a Map while few rows have one, and in an array by row past a sixty-fourth
 * of the rows. Scattered single-cell edits on a big table then touch a small Map that stays in
 * cache, where the array's slot for the row would be one more cache and TLB miss per edit; changes
 * of whole columns count into the array.
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
  /** Changed columns per stored row, rows with none left out (while `perRow` is not in use). */
  private readonly sparse = new Map<number, number>();
  /** Changed columns per stored row, once past the Map's share (allocated at that moment). */
  private perRow: Uint16Array | null = null;
  /** Whether the counts are in `perRow` (else in `sparse`, and `perRow` is all zeros). */
  private dense = false;
  /** Live stored rows with at least one changed column. */
  count = 0;

  /** `minSparse`: the Map takes this many rows at least, whatever the table's size (a test's parameter). */
  constructor(private readonly minSparse = 1024) {}

  /** One more changed column in `row` (`live`: the row is neither deleted nor dead). */
  add(row: number, live: boolean, rows: number): void {
    let was: number;
    if (this.dense) {
      let per = this.perRow!;
      if (row >= per.length) per = this.grow(Math.max(row + 1, rows));
      was = per[row]!;
      per[row] = was + 1;
    } else {
      was = this.sparse.get(row) ?? 0;
      this.sparse.set(row, was + 1);
      if (this.sparse.size > Math.max(this.minSparse, rows >> 6)) this.toDense(rows);
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
      now = this.sparse.get(row)! - 1;
      if (now === 0) this.sparse.delete(row);
      else this.sparse.set(row, now);
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
    if (!this.dense) return this.sparse.has(row);
    const per = this.perRow!;
    return row < per.length && per[row]! > 0;
  }

  /**
   * Forgets every change. The array is kept, zeroed: a new one would cost a page fault at the
   * first touch of each of its pages, which the next changes of whole columns would pay.
   */
  clear(): void {
    if (this.dense) this.perRow!.fill(0);
    this.dense = false;
    this.sparse.clear();
    this.count = 0;
  }

  /** Moves the counts from the Map to the array by row. */
  private toDense(rows: number): void {
    let max = rows - 1;
    for (const row of this.sparse.keys()) if (row > max) max = row;
    const per = this.perRow !== null && this.perRow.length > max ? this.perRow : this.grow(max + 1);
    for (const [row, n] of this.sparse) per[row] = n;
    this.sparse.clear();
    this.dense = true;
  }

  private grow(rows: number): Uint16Array {
    const grown = new Uint16Array(rows);
    if (this.perRow !== null) grown.set(this.perRow);
    this.perRow = grown;
    return grown;
  }
}
