import type { ColumnValues } from '../plan/execution-plan';
import type { Rowid } from './table-touch';

/** The rows of one insert step whose images are known: the step's own columns, shared. */
interface Segment {
  readonly rowids: ArrayLike<Rowid>;
  /** Values per column in the table's read order, one per row of the step. */
  readonly columns: readonly ColumnValues[];
  /** 1 where the row's image is known (and not forgotten since). */
  readonly live: Uint8Array;
  liveCount: number;
  readonly min: Rowid;
  readonly max: Rowid;
}

/** Known rows in rowid order, as columns: see {@link KnownImages.gather}. */
export interface KnownRows {
  readonly rowids: ColumnValues;
  readonly columns: readonly ColumnValues[];
  readonly length: number;
}

/**
 * Images of rows a push inserted whose stored values are known without reading them back. They
 * are kept as the insert steps gave them, column by column and shared with the step: a push of
 * many rows copies nothing per row. A row whose image stops being known (updated or deleted later
 * in the same push) is forgotten, and read back instead.
 */
export class KnownImages {
  readonly #segments: Segment[] = [];
  /** Where each live row is, built on the first question about a rowid inside some segment. */
  #where: Map<Rowid, [Segment, number]> | null = null;

  get size(): number {
    let n = 0;
    for (const s of this.#segments) n += s.liveCount;
    return n;
  }

  /**
   * Adds an insert step's rows: `rowids[i]` is row i's rowid, `columns` its values in the table's
   * read order, `known[i]` whether row i's image is known (null: every row's is).
   */
  addStep(
    rowids: ArrayLike<Rowid>,
    columns: readonly ColumnValues[],
    known: Uint8Array | null,
  ): void {
    const live = known ?? new Uint8Array(rowids.length).fill(1);
    let liveCount = 0;
    // Typed locals: this runs over every row an insert step gives.
    let min: Rowid = Infinity;
    let max: Rowid = -Infinity;
    for (let i = 0; i < rowids.length; i++) {
      if (!live[i]) continue;
      liveCount++;
      const r = rowids[i]!;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    if (!liveCount) return;
    const segment: Segment = { rowids, columns, live, liveCount, min, max };
    this.#segments.push(segment);
    if (this.#where) this.#index(segment);
  }

  has(rowid: Rowid): boolean {
    return this.#find(rowid) !== undefined;
  }

  forget(rowid: Rowid): void {
    const at = this.#find(rowid);
    if (!at) return;
    const [segment, i] = at;
    segment.live[i] = 0;
    segment.liveCount--;
    this.#where!.delete(rowid);
  }

  #find(rowid: Rowid): [Segment, number] | undefined {
    // Most questions are about rows no insert step wrote: a range check answers them. A loop, not
    // some(): this runs for every row a push deletes or patches.
    let inRange = false;
    for (const s of this.#segments) if (rowid >= s.min && rowid <= s.max) inRange = true;
    if (!inRange) return undefined;
    if (!this.#where) {
      this.#where = new Map();
      for (const s of this.#segments) this.#index(s);
    }
    return this.#where.get(rowid);
  }

  #index(segment: Segment): void {
    for (let i = 0; i < segment.rowids.length; i++)
      if (segment.live[i]) this.#where!.set(segment.rowids[i]!, [segment, i]);
  }

  /**
   * Every known row, in rowid order. One step whose rows are all known and ascending (the usual
   * push) gives its own columns back, uncopied.
   */
  gather(width: number): KnownRows {
    const segs = this.#segments.filter((s) => s.liveCount > 0);
    if (segs.length === 1 && segs[0]!.liveCount === segs[0]!.rowids.length) {
      const s = segs[0]!;
      if (ascending(s.rowids))
        return { rowids: s.rowids as ColumnValues, columns: s.columns, length: s.rowids.length };
    }
    const rows: [Rowid, Segment, number][] = [];
    for (const s of segs)
      for (let i = 0; i < s.rowids.length; i++) if (s.live[i]) rows.push([s.rowids[i]!, s, i]);
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const columns: ColumnValues[] = [];
    for (let c = 0; c < width; c++) columns.push(rows.map(([, s, i]) => s.columns[c]![i] ?? null));
    return { rowids: rows.map(([r]) => r), columns, length: rows.length };
  }
}

function ascending(rowids: ArrayLike<Rowid>): boolean {
  for (let i = 1; i < rowids.length; i++) if (!(rowids[i - 1]! < rowids[i]!)) return false;
  return true;
}
