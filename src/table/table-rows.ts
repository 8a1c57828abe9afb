import { PandalchemyError } from '../errors/pandalchemy-error';
import type { TableInfo } from '../schema/table-info';
import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { keyToken, keyTokens, type KeyToken } from '../values/key-hash';
import type { ColumnState } from './column-state';
import { KeyOverlay } from './key-overlay';
import type { RowStore } from './row-store';

/** A row inserted since the last push. Values by column id; undefined means never given. */
export interface InsertedRow {
  readonly seq: number;
  readonly values: (CellValue | undefined)[];
}

/**
 * A tracked table's rows as they read: the stored rows (`store`, what the database last reported)
 * with the pending edits on top (column states, deleted rows, inserted rows), and the lookups by
 * key over both. {@link TableState} adds the operations that change them.
 *
 * Rows are numbered: stored rows by their store slot (>= 0), inserted rows by a negative id.
 */
export class TableRows {
  columns: ColumnState[] = [];
  keyColumns: ColumnState[] = [];
  readonly deleted = new Set<number>();
  readonly inserted = new Map<number, InsertedRow>();
  /** Stored columns dropped since the last push (kept for undo and for the plan). */
  readonly droppedColumns = new Set<ColumnState>();
  /** Increases on every change of the pending state: caches compare it. */
  version = 0;
  protected byName = new Map<string, ColumnState>();
  /** Rows whose current key the store's index does not give: inserted and re-keyed rows. */
  protected readonly keys = new KeyOverlay();
  /** Increases whenever a stored row is deleted or restored: the live slots cache compares it. */
  protected rowsVersion = 0;
  private insertedOrder: { version: number; ids: number[] } = { version: -1, ids: [] };
  private slotsCache: {
    readonly rowsVersion: number;
    readonly store: RowStore;
    readonly revision: number;
    readonly slots: Int32Array | null;
    readonly stored: number;
  } | null = null;

  constructor(
    public info: TableInfo,
    public store: RowStore,
    readonly rowidColumn: boolean,
  ) {}

  get name(): string {
    return this.info.name;
  }

  /** The live column named `name`, or an `unknown_column` error. */
  column(name: string): ColumnState {
    const c = this.byName.get(name);
    if (c) return c;
    throw new PandalchemyError(
      'unknown_column',
      `Table '${this.name}' has no column ${JSON.stringify(name)}; its columns are ${this.columns.map((x) => x.name).join(', ')}.`,
      { table: this.name, column: String(name) },
    );
  }

  hasColumn(name: string): boolean {
    return this.byName.has(name);
  }

  isKeyColumn(col: ColumnState): boolean {
    return this.keyColumns.includes(col);
  }

  /** Whether the key is assigned by the database when an inserted row has none. */
  get autoKey(): boolean {
    return this.info.key.autoAssigned;
  }

  isLive(row: number): boolean {
    return row < 0
      ? this.inserted.has(row)
      : this.isStoredRef(row) && !this.deleted.has(row) && !this.store.isDead(row);
  }

  /**
   * Whether `ref` is a row reference at all: an inserted row's, or a stored row's (deleted since
   * or not). Anything else (past the last row, fractional, NaN) names no row.
   */
  isRef(ref: number): boolean {
    return ref < 0 ? this.inserted.has(ref) : this.isStoredRef(ref) && !this.store.isDead(ref);
  }

  private isStoredRef(row: number): boolean {
    return row < this.store.length && (row | 0) === row;
  }

  /** The current value of a cell. */
  value(row: number, col: ColumnState): CellValue {
    if (row < 0) {
      const v = this.inserted.get(row)?.values[col.id];
      return v !== undefined ? v : col.fill;
    }
    const v = col.cells.get(row);
    return v !== undefined ? v : this.underlying(row, col);
  }

  /** A stored row's value before single edits: the assigned column, converted or stored value. */
  underlying(row: number, col: ColumnState): CellValue {
    if (col.dense) return col.dense[row] ?? null;
    return this.baseline(row, col);
  }

  /** What a stored row's value is compared with to detect a change. */
  baseline(row: number, col: ColumnState): CellValue {
    if (col.base) return col.base[row] ?? null;
    if (col.origin < 0) return col.fill;
    return this.store.get(row, col.origin);
  }

  /** A reader of the current values of stored rows of `col`, for loops over many rows. */
  slotReader(col: ColumnState): (row: number) => CellValue {
    if (col.cells.size > 0) return (r) => this.value(r, col);
    const own = col.dense ?? col.base;
    if (own !== null) return (r) => own[r] ?? null;
    if (col.origin < 0) {
      const fill = col.fill;
      return () => fill;
    }
    const raw = this.store.raw(col.origin);
    return (r) => raw[r] ?? null;
  }

  /** The value as stored in the database (only for columns that exist there). */
  stored(row: number, col: ColumnState): CellValue {
    return this.store.get(row, col.origin);
  }

  /** Whether an inserted row's column was never given a value. */
  isUnset(row: number, col: ColumnState): boolean {
    return row < 0 && this.inserted.get(row)?.values[col.id] === undefined;
  }

  currentKey(row: number): CellValue[] {
    return this.keyColumns.map((c) => this.value(row, c));
  }

  /**
   * The live row whose current key is `key` (canonical values), or undefined. In the middle of an
   * operation two rows may hold one key: then either is returned.
   */
  find(key: readonly CellValue[]): number | undefined {
    if (this.keys.size) {
      const r = this.keys.first(this.tokenOf(key));
      if (r !== undefined) return r;
    }
    const s = this.store.find(key);
    // A stored row listed in the overlay holds another key than the stored one.
    return s < 0 || this.deleted.has(s) || this.keys.has(s) ? undefined : s;
  }

  /** `find` for a one-column key given as its value, without an array on the common path. */
  findOne(value: CellValue): number | undefined {
    if (this.keys.size) return this.find([value]);
    const s = this.store.findOne(value);
    return s < 0 || this.deleted.has(s) ? undefined : s;
  }

  /** Whether another live row holds the current key of `row` (only in the middle of an operation). */
  sharesKey(row: number): boolean {
    const key = this.currentKey(row);
    return !key.some((v) => v === null) && this.holders(key) > 1;
  }

  /** How many live rows hold `key` now (more than one only in the middle of an operation). */
  private holders(key: readonly CellValue[]): number {
    const listed = this.keys.size ? this.keys.all(this.tokenOf(key)).length : 0;
    const s = this.store.find(key);
    return listed + (s < 0 || this.deleted.has(s) || this.keys.has(s) ? 0 : 1);
  }

  tokenOf(key: readonly CellValue[]): KeyToken {
    return key.length === 1 ? keyToken(key[0]) : keyTokens(key);
  }

  /** Live rows in table order: stored rows by slot, then inserted rows in insertion order. */
  *rows(): Generator<number> {
    const n = this.store.length;
    const plain = this.deleted.size === 0 && !this.store.hasDead;
    for (let r = 0; r < n; r++) if (plain || this.isLive(r)) yield r;
    yield* this.insertedIds();
  }

  /**
   * The live stored slots in order (null when every slot is live) and how many there are. Kept
   * until a stored row is deleted or restored, or the store's slots change.
   */
  liveSlots(): { readonly slots: Int32Array | null; readonly stored: number } {
    const store = this.store;
    const cached = this.slotsCache;
    if (
      cached !== null &&
      cached.rowsVersion === this.rowsVersion &&
      cached.store === store &&
      cached.revision === store.revision
    )
      return cached;
    const n = store.length;
    let slots: Int32Array | null = null;
    if (this.deleted.size > 0 || store.hasDead) {
      slots = new Int32Array(store.liveCount - this.deleted.size);
      let k = 0;
      for (let r = 0; r < n; r++) if (!this.deleted.has(r) && !store.isDead(r)) slots[k++] = r;
    }
    this.slotsCache = {
      rowsVersion: this.rowsVersion,
      store,
      revision: store.revision,
      slots,
      stored: slots === null ? n : slots.length,
    };
    return this.slotsCache;
  }

  /** Ids of inserted rows in insertion order. */
  insertedIds(): readonly number[] {
    if (this.insertedOrder.version !== this.version) {
      const ids = [...this.inserted.keys()].sort((a, b) => b - a);
      this.insertedOrder = { version: this.version, ids };
    }
    return this.insertedOrder.ids;
  }

  get rowCount(): number {
    return this.store.liveCount - this.deleted.size + this.inserted.size;
  }

  insertedId(row: InsertedRow): number {
    return -(row.seq + 1);
  }

  /**
   * Lists `row` in the key overlay under its current key when the store's index does not find it
   * there (an inserted row, a stored row whose key changed), and nowhere otherwise.
   */
  protected reindex(row: number): void {
    if (!this.isLive(row)) return this.keys.place(row, undefined);
    const key = this.currentKey(row);
    let stored = row >= 0;
    for (let i = 0; i < key.length; i++) {
      if (key[i] === null) return this.keys.place(row, undefined);
      stored &&= valuesEqual(key[i], this.store.get(row, this.store.keyColumns[i]!));
    }
    this.keys.place(row, stored ? undefined : this.tokenOf(key));
  }

  /**
   * Lists again in the key overlay every row that may need to be there (after the pending state
   * was replaced whole): inserted rows, and stored rows whose key column holds edits.
   */
  protected reindexAll(): void {
    const rows = new Set<number>(this.inserted.keys());
    for (const c of this.keyColumns) {
      if (c.dense !== null || c.base !== null)
        for (let r = 0; r < this.store.length; r++) rows.add(r);
      else for (const r of c.cells.keys()) rows.add(r);
    }
    for (const r of rows) this.reindex(r);
  }
}
