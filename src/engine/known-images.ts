import type { SqlValue } from '../values/sql-value';
import type { Rowid } from './table-touch';

/**
 * Images of rows a push inserted whose stored values are known without reading them back, kept
 * column by column as the insert steps give them: a push of many rows then allocates one array per
 * column, not one per row. A row whose image stops being known (updated or deleted later in the
 * push) is forgotten; its slot stays, skipped.
 */
export class KnownImages {
  /** Rowids in the order the rows were added. */
  readonly rowids: Rowid[] = [];
  /** Values per column, in the table's read order; slot i is the row `rowids[i]`. */
  readonly columns: SqlValue[][];
  readonly #slot = new Map<Rowid, number>();

  constructor(width: number) {
    this.columns = Array.from({ length: width }, () => []);
  }

  get size(): number {
    return this.#slot.size;
  }

  has(rowid: Rowid): boolean {
    return this.#slot.has(rowid);
  }

  /** Adds a row's image (`values` is copied: callers reuse one array for every row). */
  add(rowid: Rowid, values: readonly SqlValue[]): void {
    this.forget(rowid);
    this.#slot.set(rowid, this.rowids.length);
    this.rowids.push(rowid);
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.push(values[c]!);
  }

  forget(rowid: Rowid): void {
    const slot = this.#slot.get(rowid);
    if (slot === undefined) return;
    this.#slot.delete(rowid);
    // The slot's rowid marks it dead; null is never a rowid.
    (this.rowids as (Rowid | null)[])[slot] = null;
  }

  /** The slots still known, in rowid order (usually `0..n-1`: inserts mostly ascend). */
  liveSlots(): number[] {
    const out: number[] = [];
    if (this.#slot.size === this.rowids.length)
      for (let i = 0; i < this.rowids.length; i++) out.push(i);
    else for (let i = 0; i < this.rowids.length; i++) if (this.rowids[i] !== null) out.push(i);
    let sorted = true;
    for (let i = 1; sorted && i < out.length; i++)
      sorted = this.rowids[out[i - 1]!]! < this.rowids[out[i]!]!;
    if (!sorted) out.sort((a, b) => (this.rowids[a]! < this.rowids[b]! ? -1 : 1));
    return out;
  }
}
