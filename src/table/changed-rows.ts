/**
 * How many live stored rows differ from the store, kept up to date by every change of a table's
 * pending state, so that `hasChanges` and `changeCounts()` cost the same after one edit as after
 * a million: per stored row, how many columns hold a value other than the stored one.
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
  /** Changed columns per stored row (allocated at the first change). */
  private perRow: Uint16Array | null = null;
  /** Live stored rows with at least one changed column. */
  count = 0;
  /** Whether an entry may be non-zero since the last clear (a deleted row's changes are not in `count`). */
  private dirty = false;

  /** One more changed column in `row` (`live`: the row is neither deleted nor dead). */
  add(row: number, live: boolean, rows: number): void {
    let per = this.perRow;
    if (per === null || row >= per.length) per = this.grow(Math.max(row + 1, rows));
    const was = per[row]!;
    per[row] = was + 1;
    this.dirty = true;
    if (was === 0 && live) this.count++;
  }

  /** One fewer changed column in `row`. */
  remove(row: number, live: boolean): void {
    const per = this.perRow!;
    const now = per[row]! - 1;
    per[row] = now;
    if (now === 0 && live) this.count--;
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
    const per = this.perRow;
    return per !== null && row < per.length && per[row]! > 0;
  }

  /**
   * Forgets every change. The array is kept, zeroed: a new one would cost a page fault at the
   * first touch of each of its pages, which the edits after a discard or a push would pay.
   */
  clear(): void {
    if (this.dirty) this.perRow?.fill(0);
    this.dirty = false;
    this.count = 0;
  }

  private grow(rows: number): Uint16Array {
    const grown = new Uint16Array(rows);
    if (this.perRow !== null) grown.set(this.perRow);
    this.perRow = grown;
    return grown;
  }
}
