import type { ColumnKind } from '../values/column-kind';
import type { CellValue } from '../values/sql-value';
import { ColumnEpoch } from './column-epoch';
import { buildKeyIndex, type KeyIndex } from './key-index';

/** A column's values: a Float64Array while they are all non-null numbers, else an array. */
export type ColumnArray = CellValue[] | Float64Array;

/** A column handed to the store at load. */
export interface StoreColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly values: ColumnArray | readonly CellValue[];
}

/**
 * The rows as the database last reported them: the "original" side of change detection. Columns
 * are written in place, even after views of them were handed out in snapshots: each write first
 * keeps the row's old value in the column's current epoch (see {@link ColumnEpoch}), so views
 * never change and no column is copied because a snapshot was read. Deleted rows stay as dead
 * slots until enough accumulate to compact.
 */
export class RowStore {
  readonly names: readonly string[];
  readonly kinds: readonly ColumnKind[];
  /** Positions of the key columns in `names`. */
  readonly keyColumns: readonly number[];
  private readonly cols: ColumnArray[];
  /** Per column, the epoch views made since the last write read through, or null. */
  private readonly epochs: (ColumnEpoch | null)[];
  private len: number;
  /** Increases whenever slots are added, killed or renumbered: caches of live slots compare it. */
  revision = 0;
  private dead: Uint8Array | null = null;
  private deadCount = 0;
  private index: KeyIndex | null = null;
  /**
   * When the key is one integer column holding `row + offset` in every slot (ids loaded in rowid
   * order, the usual case), rows are found by arithmetic and no hash index is built at all.
   */
  private sequential: number | null = null;

  constructor(columns: readonly StoreColumn[], keyColumns: readonly number[], length: number) {
    this.names = columns.map((c) => c.name);
    this.kinds = columns.map((c) => c.kind);
    this.keyColumns = keyColumns;
    // The loaded arrays become the store's own: the loader hands them over and keeps no reference.
    this.cols = columns.map((c) => c.values as ColumnArray);
    this.epochs = columns.map(() => null);
    this.len = length;
    this.sequential = this.sequentialOffset();
    if (this.sequential === null) this.buildIndex();
  }

  private sequentialOffset(): number | null {
    if (this.keyColumns.length !== 1) return null;
    const col = this.cols[this.keyColumns[0]!]!;
    const first = col[0];
    const offset = this.len === 0 ? 1 : typeof first === 'number' ? first : null;
    if (offset === null) return null;
    for (let r = 0; r < this.len; r++) if (col[r] !== r + offset) return null;
    return offset;
  }

  /**
   * Indexes every live row by key: by value for close integers, else by hash (`hashed`: after
   * the first kind refused a row).
   */
  private buildIndex(hashed = false): void {
    this.index = buildKeyIndex(
      this.cols,
      this.keyColumns,
      this.len,
      (r) => !this.isDead(r),
      hashed,
    );
    this.sequential = null;
  }

  /** Indexes `row` under its current key, in a hash index when the current one cannot hold it. */
  private indexRow(row: number): void {
    if (!this.index!.add(row)) this.buildIndex(true);
  }

  /** Number of row slots, dead ones included. */
  get length(): number {
    return this.len;
  }

  /** Number of live rows. */
  get liveCount(): number {
    return this.len - this.deadCount;
  }

  /** Whether any slot is dead. */
  get hasDead(): boolean {
    return this.deadCount > 0;
  }

  get(row: number, column: number): CellValue {
    return this.cols[column]![row] ?? null;
  }

  isDead(row: number): boolean {
    return this.dead !== null && this.dead[row] === 1;
  }

  /** Key values of a row. */
  keyOf(row: number): CellValue[] {
    return this.keyColumns.map((c) => this.get(row, c));
  }

  /** The live row holding `key`, or -1. */
  find(key: readonly CellValue[]): number {
    if (this.sequential !== null) return this.findSequential(key[0]);
    return this.index!.find(key);
  }

  /** `find` for a one-column key given as its value: no array where keys are sequential. */
  findOne(value: CellValue): number {
    if (this.sequential !== null) return this.findSequential(value);
    return this.index!.findOne(value);
  }

  private findSequential(v: CellValue | undefined): number {
    if (typeof v !== 'number') return -1;
    const r = v - this.sequential!;
    // Slot r holds key r + offset (what `sequential` promises): only whether r is a live slot is
    // read, not the key column (a cache miss per lookup in a big table).
    return (r | 0) === r && r >= 0 && r < this.len && !this.isDead(r) ? r : -1;
  }

  /** Writes a value in place, keeping the old one for views made before (see `capture`). */
  set(row: number, column: number, value: CellValue): void {
    const isKey = this.keyColumns.includes(column);
    if (isKey && this.sequential !== null) this.buildIndex();
    if (isKey) this.index!.remove(row);
    const col = this.writable(column, value);
    const epoch = this.epochs[column]!;
    if (epoch !== null && !epoch.before.has(row)) this.keep(epoch, column, row);
    col[row] = value as never;
    if (isKey) this.indexRow(row);
  }

  /**
   * Writes `rows` of a non-key column, row `rows[i]` taking `value(i)`, as {@link set} would one
   * by one. Many rows at once (an eighth of them or more) go into a new array: views made before
   * keep reading the old one, which nothing writes to any more, rather than the store keeping
   * each written row's old value (or copying the column once past an eighth, see `keep`).
   * `numbers`, when given, holds every `value(i)` already: numbers that are their own cell values.
   */
  setMany(
    column: number,
    rows: ArrayLike<number>,
    value: (i: number) => CellValue,
    numbers: Float64Array | null = null,
  ): void {
    const n = rows.length;
    const epoch = this.epochs[column]!;
    if (this.keyColumns.includes(column) || n < this.len >> 3 || (epoch?.before.size ?? 0) > 0) {
      for (let i = 0; i < n; i++) this.set(rows[i]!, column, value(i));
      return;
    }
    const old = this.cols[column]!;
    let next: ColumnArray = old instanceof Float64Array ? old.slice() : old.slice(0, this.len);
    if (numbers !== null && next instanceof Float64Array) {
      // Numbers into numbers (a whole numeric column written back): one typed loop.
      for (let i = 0; i < n; i++) next[rows[i]!] = numbers[i]!;
    } else {
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (next instanceof Float64Array && typeof v !== 'number') next = Array.from(next);
        next[rows[i]!] = v as never;
      }
    }
    // The old array is the column as the current epoch began (nothing was written since): its
    // views read it, and recording stops there, as after `keep` copied it.
    if (epoch !== null) {
      epoch.frozen = old;
      this.epochs[column] = null;
    }
    this.cols[column] = next;
  }

  /**
   * The epoch a view of `column` made now reads through (with the array `raw(column)` returns):
   * the current one while nothing was written since it began, else a new one after it.
   */
  capture(column: number): ColumnEpoch {
    const current = this.epochs[column]!;
    if (current !== null && current.before.size === 0) return current;
    const epoch = new ColumnEpoch();
    if (current !== null) current.next = epoch;
    this.epochs[column] = epoch;
    return epoch;
  }

  /**
   * Keeps the value `row` holds before it is written. Past an eighth of the rows it is cheaper to
   * copy the column once (as it was when the epoch began) and stop recording: views of the epoch
   * then read the copy.
   */
  private keep(epoch: ColumnEpoch, column: number, row: number): void {
    const col = this.cols[column]!;
    epoch.before.set(row, col[row] ?? null);
    if (epoch.before.size <= 64 + (this.len >> 3)) return;
    const frozen = new Array<CellValue>(this.len);
    for (let r = 0; r < this.len; r++) frozen[r] = col[r] ?? null;
    for (const [r, v] of epoch.before) frozen[r] = v;
    epoch.frozen = frozen;
    epoch.before.clear();
    this.epochs[column] = null;
  }

  /** Appends a row (values in column order) and returns its slot. */
  append(values: readonly CellValue[]): number {
    const row = this.len;
    if (this.sequential !== null && values[this.keyColumns[0]!] !== row + this.sequential)
      this.buildIndex();
    for (let c = 0; c < this.cols.length; c++) {
      const v = values[c] ?? null;
      let col = this.writable(c, v);
      if (col instanceof Float64Array) {
        if (row >= col.length) {
          const grown = new Float64Array(Math.max(16, col.length * 2));
          grown.set(col);
          col = this.cols[c] = grown;
        }
        col[row] = v as number;
      } else {
        col[row] = v;
      }
    }
    this.len++;
    this.revision++;
    if (this.dead && this.dead.length < this.len) {
      const grown = new Uint8Array(Math.max(16, this.dead.length * 2));
      grown.set(this.dead);
      this.dead = grown;
    }
    if (this.index !== null) this.indexRow(row);
    return row;
  }

  /** Marks a row deleted. */
  kill(row: number): void {
    if (this.isDead(row)) return;
    this.index?.remove(row);
    if (!this.dead) this.dead = new Uint8Array(Math.max(16, this.cols.length ? this.len : 0));
    if (this.dead.length < this.len) {
      const grown = new Uint8Array(this.len);
      grown.set(this.dead);
      this.dead = grown;
    }
    this.dead[row] = 1;
    this.deadCount++;
    this.revision++;
  }

  /** The raw column for fast read loops (slots below `length`); never write to it. */
  raw(column: number): ColumnArray {
    return this.cols[column]!;
  }

  /**
   * Compacts dead slots away when they make up at least `fraction` of the slots, renumbering rows.
   * Returns the old-to-new row map (-1 for dead rows), or null when nothing was done.
   */
  compact(fraction = 0.25): Int32Array | null {
    if (this.deadCount === 0 || this.deadCount < this.len * fraction) return null;
    const map = new Int32Array(this.len).fill(-1);
    let n = 0;
    for (let r = 0; r < this.len; r++) if (!this.isDead(r)) map[r] = n++;
    for (let c = 0; c < this.cols.length; c++) {
      const old = this.cols[c]!;
      const next: ColumnArray =
        old instanceof Float64Array ? new Float64Array(n) : new Array<CellValue>(n);
      for (let r = 0; r < this.len; r++) {
        const to = map[r]!;
        if (to >= 0) next[to] = old[r] as never;
      }
      this.cols[c] = next;
      // Views of the old arrays read them as they are: nothing writes to them any more.
      this.epochs[c] = null;
    }
    this.len = n;
    this.revision++;
    this.dead = null;
    this.deadCount = 0;
    this.index = null;
    this.sequential = this.sequentialOffset();
    if (this.sequential === null) this.buildIndex();
    return map;
  }

  /** The array to write `value` into: numbers leave a Float64Array at their first non-number. */
  private writable(column: number, value: CellValue): ColumnArray {
    const col = this.cols[column]!;
    if (!(col instanceof Float64Array) || typeof value === 'number') return col;
    // Views made before keep reading the Float64Array, which nothing writes to any more.
    const array: CellValue[] = Array.from(col.subarray(0, this.len));
    this.cols[column] = array;
    return array;
  }
}
