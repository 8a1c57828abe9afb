import type { CellValue } from '../values/sql-value';
import { epochValue, type ColumnEpoch } from './column-epoch';
import { ownCopy } from './own-copy';

/** What a view reads its values from (see {@link ColumnView}). */
export interface ViewParts {
  /** Values of stored rows by slot: a store column, an assigned or converted one; null: `fill`. */
  readonly source: ArrayLike<CellValue> | null;
  /** When `source` is a store column: the epoch that keeps its values as they were. */
  readonly epoch: ColumnEpoch | null;
  readonly fill: CellValue;
  /** Pending single-cell edits by slot (the view's own copy), or null. */
  readonly cells: ReadonlyMap<number, CellValue> | null;
  /** The slot of each stored position, or null when positions are slots. */
  readonly slots: Int32Array | null;
  /** Number of stored positions; positions past them are inserted rows. */
  readonly stored: number;
  /** Values of inserted rows, in order. */
  readonly tail: readonly CellValue[];
}

let peekAt: (view: ColumnView, position: number) => CellValue;
let plainSource: (view: ColumnView) => ArrayLike<CellValue> | null;

/**
 * A column of a snapshot, as Arquero reads columns (`length`, `at()`, iteration, `toArray()`):
 * read-only by construction. It reads the stored values (written in place by the store, through
 * an epoch that keeps what they were), a copy of the pending single-cell edits and the inserted
 * rows' values, so that a snapshot after an edit costs the edits, not the rows. Bytes and dates
 * come out as copies: a caller mutating one changes nothing here.
 *
 * @example
 * ```ts
 * const name = tracked.table().column('name')!;
 * name.at(0); // the first row's name
 * [...name]; // every value
 * ```
 */
export class ColumnView {
  readonly length: number;
  readonly #source: ArrayLike<CellValue> | null;
  readonly #epoch: ColumnEpoch | null;
  readonly #fill: CellValue;
  readonly #cells: ReadonlyMap<number, CellValue> | null;
  readonly #slots: Int32Array | null;
  readonly #stored: number;
  readonly #tail: readonly CellValue[];

  static {
    peekAt = (view, position) => view.#peek(position);
    plainSource = (view) =>
      view.#source !== null &&
      view.#cells === null &&
      view.#slots === null &&
      view.#tail.length === 0 &&
      (view.#epoch === null || quiet(view.#epoch))
        ? view.#source
        : null;
  }

  /** @internal Snapshots make views. */
  constructor(parts: ViewParts) {
    this.#source = parts.source;
    this.#epoch = parts.epoch;
    this.#fill = parts.fill;
    this.#cells = parts.cells;
    this.#slots = parts.slots;
    this.#stored = parts.stored;
    this.#tail = parts.tail;
    this.length = parts.stored + parts.tail.length;
    Object.freeze(this);
  }

  /** The value at `position` (negative positions count from the end, as for arrays). */
  at(position: number): CellValue {
    const p = position < 0 ? position + this.length : position;
    if (!(p >= 0 && p < this.length)) return undefined as unknown as CellValue;
    const v = this.#peek(p);
    return typeof v === 'object' && v !== null ? ownCopy(v) : v;
  }

  *[Symbol.iterator](): Iterator<CellValue> {
    for (let p = 0; p < this.length; p++) yield this.at(p);
  }

  /** The values as a new array (a Float64Array when they are all numbers): the caller's own. */
  toArray(): CellValue[] | Float64Array {
    const n = this.length;
    const numbers = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const v = this.#peek(p);
      if (typeof v === 'number') {
        numbers[p] = v;
        continue;
      }
      const out = new Array<CellValue>(n);
      for (let k = 0; k < p; k++) out[k] = numbers[k]!;
      for (let k = p; k < n; k++) out[k] = this.at(k);
      return out;
    }
    return numbers;
  }

  #peek(p: number): CellValue {
    if (p >= this.#stored) return this.#tail[p - this.#stored]!;
    const slot = this.#slots === null ? p : this.#slots[p]!;
    if (this.#cells !== null) {
      const v = this.#cells.get(slot);
      if (v !== undefined) return v;
    }
    const source = this.#source;
    if (source === null) return this.#fill;
    return this.#epoch === null ? (source[slot] ?? null) : epochValue(this.#epoch, slot, source);
  }
}

function quiet(epoch: ColumnEpoch): boolean {
  return epoch.before.size === 0 && epoch.next === null && epoch.frozen === null;
}

/**
 * A reader of a snapshot column's values by position for the table layer's own loops: values are
 * not copied (the caller must not hand them out), and a view that reads one array straight gives
 * that array, to be indexed directly.
 */
export function columnReader(column: unknown): {
  readonly at: (position: number) => CellValue;
  readonly array: ArrayLike<CellValue> | null;
} {
  if (column instanceof ColumnView) {
    const array = plainSource(column);
    return { at: (p) => peekAt(column, p), array };
  }
  if (Array.isArray(column) || ArrayBuffer.isView(column)) {
    const array = column as unknown as ArrayLike<CellValue>;
    return { at: (p) => array[p]!, array };
  }
  const col = column as { at(p: number): CellValue };
  return { at: (p) => col.at(p), array: null };
}
