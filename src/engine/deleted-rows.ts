import type { SqlValue } from '../values/sql-value';
import type { Rowid } from './table-touch';

/** Rowids deleted in one go, each row's key being its rowid (see {@link DeletedRows.addRun}). */
interface Run {
  readonly rowids: ArrayLike<Rowid>;
  readonly min: Rowid;
  readonly max: Rowid;
}

/**
 * The rows a push deleted from one table, by rowid, with each row's key before the push where it
 * is known (null: not known), in the order they were deleted. Rows are added, never removed.
 *
 * A delete step of a table keyed by its rowid adds its rows as one run, without a map entry per
 * row: most questions about a rowid are answered by a range check, and runs are only indexed when
 * a question falls inside one's range.
 */
export class DeletedRows {
  /** Runs and maps of single rows, in the order they were added. */
  readonly #parts: (Run | Map<Rowid, SqlValue[] | null>)[] = [];
  /** The rowids of the single rows (the maps' keys): one lookup answers for all of them. */
  readonly #singles = new Set<Rowid>();
  /** How many rows the runs hold, and the range of their rowids (none yet: empty). */
  #runRows = 0;
  #lo: Rowid = Infinity;
  #hi: Rowid = -Infinity;
  /** The rowids of every run, built on the first question inside some run's range. */
  #inRuns: Set<Rowid> | null = null;

  get size(): number {
    return this.#singles.size + this.#runRows;
  }

  has(rowid: Rowid): boolean {
    if (this.#singles.has(rowid)) return true;
    // Called for every row a push patches: most are answered here.
    if (!(rowid >= this.#lo && rowid <= this.#hi)) return false;
    let inRange = false;
    for (const p of this.#parts)
      if (!(p instanceof Map) && rowid >= p.min && rowid <= p.max) inRange = true;
    if (!inRange) return false;
    if (!this.#inRuns) {
      this.#inRuns = new Set();
      for (const p of this.#parts) if (!(p instanceof Map)) this.#index(p);
    }
    return this.#inRuns.has(rowid);
  }

  /** Adds a row with its key before the push, unless the row is there already. */
  add(rowid: Rowid, key: SqlValue[] | null): void {
    if (this.has(rowid)) return;
    let last = this.#parts.at(-1);
    if (!(last instanceof Map)) this.#parts.push((last = new Map()));
    last.set(rowid, key);
    this.#singles.add(rowid);
  }

  /**
   * Adds rows keyed by their rowid, none of which is there already and all distinct: the caller
   * knows (the rows of one delete step, when the push has done nothing else to the table yet).
   * The array is kept, not copied.
   */
  addRun(rowids: ArrayLike<Rowid>): void {
    if (!rowids.length) return;
    const [min, max] = rowidRange(rowids);
    const run = { rowids, min, max };
    this.#parts.push(run);
    this.#runRows += rowids.length;
    if (min < this.#lo) this.#lo = min;
    if (max > this.#hi) this.#hi = max;
    if (this.#inRuns) this.#index(run);
  }

  /** The rowids when every deleted row came in one run of numbers (one delete step), else null. */
  soleRun(): Float64Array | null {
    const only = this.#parts.length === 1 ? this.#parts[0] : undefined;
    return only && !(only instanceof Map) && only.rowids instanceof Float64Array
      ? only.rowids
      : null;
  }

  /**
   * Each row's rowid and key before the push, in the order they were deleted; `undefined` for a
   * row of a run, whose key is its rowid.
   */
  forEach(fn: (rowid: Rowid, key: SqlValue[] | null | undefined) => void): void {
    for (const p of this.#parts) {
      if (p instanceof Map) for (const [rowid, key] of p) fn(rowid, key);
      else for (let i = 0; i < p.rowids.length; i++) fn(p.rowids[i]!, undefined);
    }
  }

  #index(run: Run): void {
    for (let i = 0; i < run.rowids.length; i++) this.#inRuns!.add(run.rowids[i]!);
  }
}

/** The smallest and largest of some rowids ([Infinity, -Infinity] for none). */
export function rowidRange<R extends Rowid>(rowids: ArrayLike<R>): [R, R] {
  let min = Infinity as R;
  let max = -Infinity as R;
  for (let i = 0; i < rowids.length; i++) {
    const r = rowids[i]!;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return [min, max];
}
