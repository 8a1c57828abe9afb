import { PandalchemyError } from '../errors/pandalchemy-error';
import type { TableInfo } from '../schema/table-info';
import type { IndexEdit } from './edits/index-edits';
import type { CellValue } from '../values/sql-value';
import { defaultValueOf, isConstantDefault } from '../dialect/sqlite/sqlite-default-value';
import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import { formatKey } from './format-key';
import { keyToken, keyTokens, type KeyToken } from '../values/key-hash';
import {
  CellMutation,
  ColumnValuesMutation,
  DeleteMutation,
  InsertMutation,
  RestoreMutation,
  UNSET,
  type Mutation,
  type Slot,
  type TypeSnapshot,
} from './mutations';
import { CellOperation } from './cell-operation';
import { ChangedRows } from './changed-rows';
import { markDiffering } from './differing-rows';
import { KeyOverlay } from './key-overlay';
import { ownCopies } from './own-copy';
import { Operation, OperationLog, type LoggedOperation, type OperationKind } from './operation-log';
import type { ColumnArray, RowStore } from './row-store';

/** A row inserted since the last push. Values by column id; undefined means never given. */
export interface InsertedRow {
  readonly seq: number;
  readonly values: (CellValue | undefined)[];
}

/** @internal What a draft keeps of a table's pending state (see `TableState.pendingParts`). */
export interface PendingParts {
  readonly columns: readonly ColumnState[];
  readonly droppedColumns: readonly ColumnState[];
  readonly deleted: readonly number[];
  readonly inserted: readonly InsertedRow[];
  readonly indexEdits: readonly IndexEdit[];
  readonly nextSeq: number;
  readonly nextColumnId: number;
  readonly done: readonly LoggedOperation[];
  readonly undone: readonly LoggedOperation[];
}

/**
 * The state of a tracked table: the stored rows (`store`, what the database last reported) and
 * the pending edits on top (column states, deleted rows, inserted rows), with the journal that
 * makes every operation atomic and undoable.
 *
 * Rows are numbered: stored rows by their store slot (>= 0), inserted rows by a negative id.
 */
export class TableState {
  columns: ColumnState[] = [];
  keyColumns: ColumnState[] = [];
  readonly deleted = new Set<number>();
  readonly inserted = new Map<number, InsertedRow>();
  /** Stored columns dropped since the last push (kept for undo and for the plan). */
  readonly droppedColumns = new Set<ColumnState>();
  /** Pending index changes, in the order made (see `indexChanges` for their net effect). */
  readonly indexEdits: IndexEdit[] = [];
  readonly log = new OperationLog();
  /** Increases on every change of the pending state: caches compare it. */
  version = 0;
  /**
   * Live stored rows whose value differs from the store in some live column, kept by every
   * primitive below, so that counting updated rows costs nothing.
   */
  readonly changed = new ChangedRows();
  private byName = new Map<string, ColumnState>();
  /** Rows whose current key the store's index does not give: inserted and re-keyed rows. */
  private readonly keys = new KeyOverlay();
  /** Rows whose key the operation in progress wrote: checked for uniqueness when it ends. */
  private keyWrites: Set<number> | null = null;
  /** Rows the operation in progress deleted or inserted: looked at for net changes when it ends. */
  private lifeChanges: number[] | null = null;
  private nextSeq = 0;
  private nextColumnId = 0;
  private current: Operation | null = null;
  /** Set during `assignColumn`: values known to differ from `against` in every stored row. */
  private differsEverywhere: { dense: ColumnArray; against: ArrayLike<unknown> } | null = null;
  /** Set while edits are refused (a push of this table is in flight): says why. */
  lockedBy: string | null = null;
  private insertedOrder: { version: number; ids: number[] } = { version: -1, ids: [] };
  /** Increases whenever a stored row is deleted or restored: the live slots cache compares it. */
  private rowsVersion = 0;
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
  ) {
    this.resetColumns();
  }

  get name(): string {
    return this.info.name;
  }

  /** Rebuilds the column states from the store: no pending edits. */
  resetColumns(): void {
    const declared = new Map(this.info.columns.map((c) => [c.name, c]));
    this.columns = this.store.names.map((name, origin) => {
      const info = declared.get(name);
      return {
        id: this.nextColumnId++,
        name,
        declaredType: info?.declaredType ?? 'INTEGER',
        kind: this.store.kinds[origin]!,
        notNull: info?.notNull ?? true,
        defaultSql: info?.defaultSql ?? null,
        fill: defaultValueOf(info?.defaultSql ?? null, this.store.kinds[origin]!),
        origin,
        added: null,
        cells: new Map(),
        dense: null,
        base: null,
        dropped: false,
      };
    });
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
    this.keyColumns = this.store.keyColumns.map((i) => this.columns[i]!);
    this.deleted.clear();
    this.inserted.clear();
    this.droppedColumns.clear();
    this.indexEdits.length = 0;
    this.keys.clear();
    this.log.clear();
    this.changed.clear();
    this.version++;
    this.rowsVersion++;
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
    return row < 0 ? this.inserted.has(row) : !this.deleted.has(row) && !this.store.isDead(row);
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

  // ---- operations: every change of pending state runs inside one -------------------------------

  /**
   * Runs `fn` as one operation: atomic (a throw undoes what it did so far) and recorded in the
   * log for undo, unless it changed nothing. Nested calls join the outer operation.
   */
  edit<T>(kind: OperationKind, describe: () => string, fn: () => T): T {
    if (this.current) return fn();
    this.checkUnlocked();
    const op = new Operation(kind, describe);
    this.current = op;
    try {
      const result = fn();
      this.settle();
      if (op.mutations.length) this.log.record(op);
      return result;
    } catch (e) {
      for (let i = op.mutations.length - 1; i >= 0; i--) op.mutations[i]!.undo(this);
      throw e;
    } finally {
      this.current = null;
      this.keyWrites = null;
      this.lifeChanges = null;
    }
  }

  /**
   * What an operation checks when its edits are all made: keys are unique. Checked at the end,
   * not edit by edit, so that one call may swap or rotate keys.
   */
  private settle(): void {
    const written = this.keyWrites;
    if (written) this.checkUniqueKeys(written);
    if (written || this.lifeChanges)
      this.netKeys([...(written ?? []), ...(this.lifeChanges ?? [])]);
  }

  private checkUniqueKeys(written: ReadonlySet<number>): void {
    for (const row of written) {
      if (!this.isLive(row) || !this.sharesKey(row)) continue;
      const key = this.currentKey(row);
      throw new PandalchemyError(
        'duplicate_key',
        `Table '${this.name}' already has a row with key ${formatKey(key)}: use a new key, or change or delete that row first (keys swapped in one call, such as setCells(), are fine).`,
        { table: this.name, key: ownCopies(key) },
      );
    }
  }

  /**
   * Keeps pending changes net by key: a deleted stored row whose stored key a live row holds
   * (an insert, or a key change, landed on it) comes back holding that row's values, and that row
   * goes instead. The database then sees an UPDATE of the columns that differ rather than a
   * DELETE and an INSERT, which would fire ON DELETE CASCADE and wipe the row's children.
   */
  private netKeys(rows: readonly number[]): void {
    const queue = [...rows];
    while (queue.length) {
      const x = queue.pop()!;
      if (x >= 0 && this.deleted.has(x)) {
        const holder = this.find(this.store.keyOf(x));
        if (holder !== undefined) this.takeOver(x, holder, queue);
      } else if (this.isLive(x)) {
        const key = this.currentKey(x);
        if (key.some((v) => v === null)) continue;
        const s = this.store.find(key);
        if (s >= 0 && s !== x && this.deleted.has(s)) this.takeOver(s, x, queue);
      }
    }
  }

  /** Deleted stored row `dead` comes back holding what live row `row` holds; `row` goes. */
  private takeOver(dead: number, row: number, queue: number[]): void {
    const values = this.columns.map((c) =>
      // A column an insert left to a default only the database computes keeps its stored value.
      row < 0 && this.isUnset(row, c) && c.origin >= 0 && !this.hasConstantDefault(c)
        ? this.baseline(dead, c)
        : this.value(row, c),
    );
    this.remove(row);
    this.record(new RestoreMutation(dead));
    this.columns.forEach((c, i) => this.write(dead, c, values[i]!));
    // A stored row that went leaves its stored key free: another row may hold it now.
    if (row >= 0) queue.push(row);
  }

  private hasConstantDefault(col: ColumnState): boolean {
    return col.defaultSql === null || isConstantDefault(col.defaultSql, col.kind);
  }

  /** Notes that the operation in progress wrote the key of `row` (and refuses a NULL key). */
  noteKeyWrite(row: number, col: ColumnState, value: CellValue): void {
    if (value === null && !(row < 0 && this.autoKey)) {
      throw new PandalchemyError(
        'null_key',
        `Key column '${col.name}' of table '${this.name}' cannot be NULL.`,
        { table: this.name, column: col.name },
      );
    }
    (this.keyWrites ??= new Set()).add(row);
  }

  /**
   * Sets one cell as one operation: `edit` without closures, for the hot path of single-cell
   * edits. The whole edit is one small object kept for undo (not an operation, a subject, a list
   * and a mutation): the less each keeps, the less the collector has to move and mark.
   */
  editCell(
    row: number,
    col: ColumnState,
    value: CellValue,
    key: CellValue | readonly CellValue[],
  ): void {
    if (this.current) return this.write(row, col, value);
    this.checkUnlocked();
    if (row >= 0 && !this.isKeyColumn(col)) {
      // A stored row's non-key cell, the common case: what `applyValue` would work out again
      // (the value under the edits, whether the new value is it) is worked out once here.
      const under = this.underlying(row, col);
      const cell = col.cells.get(row);
      const was = cell !== undefined ? cell : under;
      if (valuesEqual(was, value)) return;
      if (valuesEqual(value, under)) col.cells.delete(row);
      else col.cells.set(row, value);
      const stored = col.dense === null ? under : this.baseline(row, col);
      this.noteChange(row, col, !valuesEqual(was, stored), !valuesEqual(value, stored));
      this.version++;
      this.log.record(new CellOperation(row, col, was, value, key));
      return;
    }
    if (this.isKeyColumn(col)) {
      const name = col.name;
      const shown = Array.isArray(key) ? (key as readonly CellValue[]) : [key as CellValue];
      this.edit(
        'set',
        () => `set ${name} of ${formatKey(shown)}`,
        () => this.write(row, col, value),
      );
      return;
    }
    const prev: Slot = row < 0 && this.isUnset(row, col) ? UNSET : this.value(row, col);
    // A write that changes no value is no operation.
    if (prev === UNSET ? this.unsetShows(col, value) : valuesEqual(prev, value)) return;
    const op = new CellOperation(row, col, prev, value, key);
    try {
      op.redo(this);
    } catch (e) {
      op.undo(this);
      throw e;
    }
    this.log.record(op);
  }

  private checkUnlocked(): void {
    if (this.lockedBy !== null) {
      throw new PandalchemyError(
        'busy',
        `Table '${this.name}' cannot change now: ${this.lockedBy}.`,
        {
          table: this.name,
        },
      );
    }
  }

  /**
   * Replaces all of `col`'s values as part of the current operation, `dense` having been found to
   * differ in every stored row from `against`: the changed-rows count then takes every row without
   * comparing the two again, when `against` is what it compares with (the stored values).
   */
  assignColumn(col: ColumnState, dense: ColumnArray, against: ArrayLike<unknown>): void {
    this.differsEverywhere = { dense, against };
    try {
      this.record(new ColumnValuesMutation(col, col.dense, col.cells, dense, new Map()));
    } finally {
      this.differsEverywhere = null;
    }
  }

  /** Records a mutation in the current operation and applies it. */
  record(m: Mutation): void {
    if (!this.current)
      throw new PandalchemyError('internal', 'A change was made outside an operation.');
    this.current.add(m);
    m.redo(this);
  }

  /**
   * Whether an inserted row's cell left to the column's default already holds `value`: the
   * default is a constant equal to it. An expression's value (CURRENT_TIMESTAMP) only the database
   * knows, so writing any value there is a change.
   */
  private unsetShows(col: ColumnState, value: CellValue): boolean {
    return isConstantDefault(col.defaultSql, col.kind) && valuesEqual(col.fill, value);
  }

  /**
   * Sets one cell as part of the operation in progress. `value` must be canonical for the column;
   * a key's uniqueness is checked when the operation ends.
   */
  write(row: number, col: ColumnState, value: Slot): void {
    const prev: Slot = row < 0 && this.isUnset(row, col) ? UNSET : this.value(row, col);
    if (
      value !== UNSET &&
      (prev === UNSET ? this.unsetShows(col, value) : valuesEqual(prev, value))
    )
      return;
    if (value !== UNSET && this.isKeyColumn(col)) this.noteKeyWrite(row, col, value);
    this.record(new CellMutation(row, col, prev, value));
  }

  /** Deletes a live row. */
  remove(row: number): void {
    this.record(new DeleteMutation(row, row < 0 ? this.inserted.get(row)! : null));
    if (row >= 0) (this.lifeChanges ??= []).push(row);
  }

  /** Inserts a row (values by column id, canonical, keys already checked) and returns its id. */
  add(values: (CellValue | undefined)[]): number {
    const row: InsertedRow = { seq: this.nextSeq++, values };
    this.record(new InsertMutation(row));
    const id = this.insertedId(row);
    (this.lifeChanges ??= []).push(id);
    return id;
  }

  newColumnId(): number {
    return this.nextColumnId++;
  }

  // ---- primitives: called by mutations only ----------------------------------------------------

  applyValue(row: number, col: ColumnState, slot: Slot): void {
    if (row < 0) {
      const ins = this.inserted.get(row);
      if (ins) ins.values[col.id] = slot === UNSET ? undefined : slot;
    } else {
      const was = this.differs(row, col);
      if (slot !== UNSET && valuesEqual(slot, this.underlying(row, col))) col.cells.delete(row);
      else col.cells.set(row, slot === UNSET ? null : slot);
      this.noteChange(row, col, was, this.differs(row, col));
    }
    if (this.isKeyColumn(col)) this.reindex(row);
    this.version++;
  }

  applyColumnValues(
    col: ColumnState,
    dense: ColumnArray | null,
    cells: Map<number, CellValue>,
  ): void {
    const wasDense = col.dense !== null;
    const prevCells = col.cells;
    this.uncount(col);
    col.dense = dense;
    col.cells = cells;
    this.count(col);
    if (this.isKeyColumn(col)) {
      if (wasDense || dense) {
        const n = this.store.length;
        for (let r = 0; r < n; r++) this.reindex(r);
      } else {
        for (const r of prevCells.keys()) this.reindex(r);
        for (const r of cells.keys()) this.reindex(r);
      }
    }
    this.version++;
  }

  applyDelete(row: number): void {
    if (row < 0) this.inserted.delete(row);
    else {
      if (this.isLive(row)) this.changed.hide(row);
      this.deleted.add(row);
      this.rowsVersion++;
    }
    this.keys.place(row, undefined);
    this.version++;
  }

  applyRestore(row: number, inserted: InsertedRow | null): void {
    if (row < 0) this.inserted.set(row, inserted!);
    else {
      const was = this.isLive(row);
      this.deleted.delete(row);
      if (!was && this.isLive(row)) this.changed.show(row);
      this.rowsVersion++;
    }
    this.reindex(row);
    this.version++;
  }

  applyDropColumn(col: ColumnState): void {
    this.uncount(col);
    const i = this.columns.indexOf(col);
    if (i >= 0) this.columns.splice(i, 1);
    this.byName.delete(col.name);
    col.dropped = true;
    if (col.origin >= 0) this.droppedColumns.add(col);
    this.version++;
  }

  applyRestoreColumn(col: ColumnState, position: number): void {
    const was = col.dropped;
    this.columns.splice(position, 0, col);
    this.byName.set(col.name, col);
    col.dropped = false;
    if (was) this.count(col);
    this.droppedColumns.delete(col);
    this.version++;
  }

  applyRename(col: ColumnState, name: string): void {
    this.byName.delete(col.name);
    col.name = name;
    this.byName.set(name, col);
    this.version++;
  }

  applyType(col: ColumnState, snap: TypeSnapshot): void {
    this.uncount(col);
    col.declaredType = snap.declaredType;
    col.kind = snap.kind;
    col.base = snap.base;
    col.dense = snap.dense;
    col.cells = snap.cells;
    this.count(col);
    for (const [row, v] of snap.insertedValues) {
      const ins = this.inserted.get(row);
      if (ins) ins.values[col.id] = v === UNSET ? undefined : v;
    }
    this.version++;
  }

  // ---- the changed-rows count: what every primitive above keeps up to date -------------------

  /** Whether a stored row's value in `col` differs from the store (only edited cells can). */
  private differs(row: number, col: ColumnState): boolean {
    if (col.dense === null && !col.cells.has(row)) return false;
    return !valuesEqual(this.value(row, col), this.baseline(row, col));
  }

  /** A stored row's cell of `col` went from differing (`was`) to differing (`now`) or not. */
  private noteChange(row: number, col: ColumnState, was: boolean, now: boolean): void {
    if (was === now || col.dropped) return;
    if (now) this.changed.add(row, this.isLive(row), this.store.length);
    else this.changed.remove(row, this.isLive(row));
  }

  /** Counts the changed rows of a live `col` (after its values were replaced, or it came back). */
  private count(col: ColumnState): void {
    this.tally(col, 1);
  }

  /** Stops counting the changed rows of a live `col` (before its values are replaced, or it goes). */
  private uncount(col: ColumnState): void {
    this.tally(col, -1);
  }

  private tally(col: ColumnState, by: 1 | -1): void {
    if (col.dropped) return;
    const n = this.store.length;
    const live =
      this.deleted.size === 0 && !this.store.hasDead ? null : (r: number) => this.isLive(r);
    const stored = col.base ?? (col.origin >= 0 ? this.store.raw(col.origin) : null);
    if (col.dense !== null && col.cells.size === 0 && stored !== null) {
      // A whole column assigned (a transform's, an assign's): two arrays side by side, unless
      // the caller that assigns it has just compared them.
      const known = this.differsEverywhere;
      const every = by === 1 && known?.dense === col.dense && known.against === stored;
      this.changed.addMarked(every ? null : markDiffering(col.dense, stored, n), n, by, live);
      return;
    }
    const isLive = live ?? (() => true);
    this.eachDiffering(
      col,
      by === 1
        ? (r) => this.changed.add(r, isLive(r), n)
        : (r) => this.changed.remove(r, isLive(r)),
    );
  }

  private eachDiffering(col: ColumnState, fn: (row: number) => void): void {
    if (col.dense !== null) {
      const n = this.store.length;
      const read = this.slotReader(col);
      for (let r = 0; r < n; r++) if (!valuesEqual(read(r), this.baseline(r, col))) fn(r);
    } else {
      for (const [r, v] of col.cells) if (!valuesEqual(v, this.baseline(r, col))) fn(r);
    }
  }

  /**
   * Lists `row` in the key overlay under its current key when the store's index does not find it
   * there (an inserted row, a stored row whose key changed), and nowhere otherwise.
   */
  private reindex(row: number): void {
    if (!this.isLive(row)) return this.keys.place(row, undefined);
    const key = this.currentKey(row);
    let stored = row >= 0;
    for (let i = 0; i < key.length; i++) {
      if (key[i] === null) return this.keys.place(row, undefined);
      stored &&= valuesEqual(key[i], this.store.get(row, this.store.keyColumns[i]!));
    }
    this.keys.place(row, stored ? undefined : this.tokenOf(key));
  }

  // ---- drafts: the pending state as saved and restored (src/drafts/) -------------------------

  /** @internal The pending state over the store, as a draft saves it (live objects: clone them). */
  pendingParts(): PendingParts {
    return {
      columns: this.columns,
      droppedColumns: [...this.droppedColumns],
      deleted: [...this.deleted],
      inserted: [...this.inserted.values()],
      indexEdits: this.indexEdits,
      nextSeq: this.nextSeq,
      nextColumnId: this.nextColumnId,
      done: this.log.done,
      undone: this.log.undone,
    };
  }

  /** @internal The counters a draft's appended edits carry (inserted rows' and columns' ids). */
  draftCounters(): { readonly nextSeq: number; readonly nextColumnId: number } {
    return { nextSeq: this.nextSeq, nextColumnId: this.nextColumnId };
  }

  /** @internal Takes the counters of a draft's appended edits, once they are replayed. */
  takeDraftCounters(c: { readonly nextSeq: number; readonly nextColumnId: number }): void {
    this.nextSeq = Math.max(this.nextSeq, c.nextSeq);
    this.nextColumnId = Math.max(this.nextColumnId, c.nextColumnId);
  }

  /**
   * @internal Takes the pending state a draft saved over this same store (fresh from
   * `resetColumns`), then works out again what every edit keeps up to date: the column names, the
   * key overlay and the changed-rows count.
   */
  adoptPending(parts: PendingParts): void {
    this.columns = [...parts.columns];
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
    this.keyColumns = this.store.keyColumns.map((origin) => {
      const col = this.columns.find((c) => c.origin === origin);
      if (!col) throw new PandalchemyError('internal', 'A saved draft lost a key column.');
      return col;
    });
    this.droppedColumns.clear();
    for (const c of parts.droppedColumns) this.droppedColumns.add(c);
    this.deleted.clear();
    for (const r of parts.deleted) this.deleted.add(r);
    this.inserted.clear();
    for (const row of parts.inserted) this.inserted.set(this.insertedId(row), row);
    this.indexEdits.length = 0;
    this.indexEdits.push(...parts.indexEdits);
    this.nextSeq = parts.nextSeq;
    this.nextColumnId = Math.max(this.nextColumnId, parts.nextColumnId);
    this.log.clear();
    this.log.done.push(...parts.done);
    this.log.undone.push(...parts.undone);
    this.keys.clear();
    this.changed.clear();
    this.version++;
    this.rowsVersion++;
    this.slotsCache = null;
    for (const c of this.columns) this.count(c);
    const keyRows = new Set<number>(this.inserted.keys());
    for (const c of this.keyColumns) {
      if (c.dense !== null || c.base !== null)
        for (let r = 0; r < this.store.length; r++) keyRows.add(r);
      else for (const r of c.cells.keys()) keyRows.add(r);
    }
    for (const r of keyRows) this.reindex(r);
  }

  // ---- undo / redo ---------------------------------------------------------------------------

  undo(): boolean {
    if (this.lockedBy !== null)
      this.edit(
        'rebase',
        () => '',
        () => undefined,
      );
    const op = this.log.done.pop();
    if (!op) return false;
    op.undo(this);
    this.log.undone.push(op);
    return true;
  }

  redo(): boolean {
    if (this.lockedBy !== null)
      this.edit(
        'rebase',
        () => '',
        () => undefined,
      );
    const op = this.log.undone.pop();
    if (!op) return false;
    op.redo(this);
    this.log.done.push(op);
    return true;
  }
}
