import type { ColumnKind } from '../values/column-kind';
import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { hashValue, hashValues } from '../values/key-hash';
import { KeyIndex } from './key-index';

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
 * are copy-on-write: arrays handed out in snapshots are marked shared and copied before the next
 * in-place write, so snapshots never change, while a store nobody looked at is updated in place.
 * Deleted rows stay as dead slots until enough accumulate to compact.
 */
export class RowStore {
  readonly names: readonly string[];
  readonly kinds: readonly ColumnKind[];
  /** Positions of the key columns in `names`. */
  readonly keyColumns: readonly number[];
  private readonly cols: ColumnArray[];
  private readonly shared: boolean[];
  private len: number;
  private dead: Uint8Array | null = null;
  private deadCount = 0;
  private index: KeyIndex<readonly CellValue[]> | null = null;
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
    this.shared = columns.map(() => false);
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

  private buildIndex(): KeyIndex<readonly CellValue[]> {
    const key = this.keyColumns;
    const single = key.length === 1 ? key[0]! : -1;
    const index =
      single >= 0
        ? new KeyIndex<readonly CellValue[]>(
            (r) => hashValue(this.cols[single]![r]),
            (p) => hashValue(p[0]),
            (r, p) => valuesEqual(this.cols[single]![r], p[0]),
            this.len,
          )
        : new KeyIndex<readonly CellValue[]>(
            (r) => hashValues(this.keyOf(r)),
            (p) => hashValues(p),
            (r, p) => key.every((c, i) => valuesEqual(this.cols[c]![r], p[i])),
            this.len,
          );
    for (let r = 0; r < this.len; r++) if (!this.isDead(r)) index.add(r);
    this.index = index;
    this.sequential = null;
    return index;
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
    return this.index!.find([value]);
  }

  private findSequential(v: CellValue | undefined): number {
    if (typeof v !== 'number') return -1;
    const r = v - this.sequential!;
    return r >= 0 && r < this.len && this.cols[this.keyColumns[0]!]![r] === v && !this.isDead(r)
      ? r
      : -1;
  }

  /** Writes a value in place (copying the column first if a snapshot shares it). */
  set(row: number, column: number, value: CellValue): void {
    const isKey = this.keyColumns.includes(column);
    if (isKey && this.sequential !== null) this.buildIndex();
    if (isKey) this.index!.remove(row);
    this.writable(column, value)[row] = value as never;
    if (isKey) this.index!.add(row);
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
    if (this.dead && this.dead.length < this.len) {
      const grown = new Uint8Array(Math.max(16, this.dead.length * 2));
      grown.set(this.dead);
      this.dead = grown;
    }
    this.index?.add(row);
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
  }

  /**
   * A column of exactly `length` values for a snapshot. The store will not write to it again:
   * the next write copies the column first.
   */
  view(column: number): ColumnArray {
    const col = this.cols[column]!;
    this.shared[column] = true;
    if (col instanceof Float64Array)
      return col.length === this.len ? col : col.subarray(0, this.len);
    if (col.length !== this.len) col.length = this.len;
    return col;
  }

  /** The raw column for fast read loops; never write to it. */
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
      this.shared[c] = false;
    }
    this.len = n;
    this.dead = null;
    this.deadCount = 0;
    this.index = null;
    this.sequential = this.sequentialOffset();
    if (this.sequential === null) this.buildIndex();
    return map;
  }

  private writable(column: number, value: CellValue): ColumnArray {
    let col = this.cols[column]!;
    const needsArray = col instanceof Float64Array && typeof value !== 'number';
    if (needsArray) {
      col = Array.from((col as Float64Array).subarray(0, this.len));
    } else if (this.shared[column]) {
      col = col instanceof Float64Array ? col.slice() : col.slice();
    } else {
      return col;
    }
    this.cols[column] = col;
    this.shared[column] = false;
    return col;
  }
}
