import { PandalchemyError } from '../errors/pandalchemy-error';
import type { IndexEdit } from './edits/index-edits';
import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import { formatKey } from './format-key';
import {
  CellMutation,
  ColumnValuesMutation,
  DeleteMutation,
  InsertMutation,
  UNSET,
  type Mutation,
  type Slot,
  type TypeSnapshot,
} from './mutations';
import { CellOperation } from './cell-operation';
import { ChangedRows } from './changed-rows';
import { tallyColumn, type DiffersEverywhere } from './changed-tally';
import { checkUniqueKeys, netKeys } from './net-keys';
import { unsetShows } from './column-defaults';
import { Operation, OperationLog, type LoggedOperation, type OperationKind } from './operation-log';
import type { PendingParts } from './pending-parts';
import type { ColumnArray, RowStore } from './row-store';
import type { TableInfo } from '../schema/table-info';
import { storedColumnStates } from './stored-column-states';
import { TableRows, type InsertedRow } from './table-rows';

/**
 * The state of a tracked table: its rows as they read ({@link TableRows}: the stored rows and the
 * pending edits on top) and the operations that change them, with the journal that makes every
 * operation atomic and undoable.
 */
export class TableState extends TableRows {
  /** Pending index changes, in the order made (see `indexChanges` for their net effect). */
  readonly indexEdits: IndexEdit[] = [];
  readonly log = new OperationLog();
  /**
   * Live stored rows whose value differs from the store in some live column, kept by every
   * primitive below, so that counting updated rows costs nothing.
   */
  readonly changed = new ChangedRows();
  /** Rows whose key the operation in progress wrote: checked for uniqueness when it ends. */
  private keyWrites: Set<number> | null = null;
  /** Rows the operation in progress deleted or inserted: looked at for net changes when it ends. */
  private lifeChanges: number[] | null = null;
  private nextSeq = 0;
  private nextColumnId = 0;
  private current: Operation | null = null;
  /** Set during `assignColumn`: values known to differ from `against` in every stored row. */
  private differsEverywhere: DiffersEverywhere | null = null;
  /** Set while edits are refused (a push of this table is in flight): says why. */
  lockedBy: string | null = null;

  constructor(info: TableInfo, store: RowStore, rowidColumn: boolean) {
    super(info, store, rowidColumn);
    this.resetColumns();
  }

  /** Rebuilds the column states from the store: no pending edits. */
  resetColumns(): void {
    this.columns = storedColumnStates(this.info, this.store, () => this.nextColumnId++);
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
    if (written) checkUniqueKeys(this, written);
    if (written || this.lifeChanges)
      netKeys(this, [...(written ?? []), ...(this.lifeChanges ?? [])]);
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
    if (prev === UNSET ? unsetShows(col, value) : valuesEqual(prev, value)) return;
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
        { table: this.name },
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
   * Sets one cell as part of the operation in progress. `value` must be canonical for the column;
   * a key's uniqueness is checked when the operation ends.
   */
  write(row: number, col: ColumnState, value: Slot): void {
    const prev: Slot = row < 0 && this.isUnset(row, col) ? UNSET : this.value(row, col);
    if (value !== UNSET && (prev === UNSET ? unsetShows(col, value) : valuesEqual(prev, value)))
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
    tallyColumn(this, col, 1, this.differsEverywhere);
  }

  /** Stops counting the changed rows of a live `col` (before its values are replaced, or it goes). */
  private uncount(col: ColumnState): void {
    tallyColumn(this, col, -1, this.differsEverywhere);
  }

  // ---- drafts: the pending state as saved and restored (src/drafts/) -------------------------

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
    for (const c of this.columns) this.count(c);
    this.reindexAll();
  }

  // ---- undo / redo ---------------------------------------------------------------------------

  undo(): boolean {
    return this.move(this.log.done, this.log.undone, (op) => op.undo(this));
  }

  redo(): boolean {
    return this.move(this.log.undone, this.log.done, (op) => op.redo(this));
  }

  /** Undoes or redoes (`run`) the last operation of `from` and moves it to `to`; refused while locked. */
  private move(
    from: LoggedOperation[],
    to: LoggedOperation[],
    run: (op: LoggedOperation) => void,
  ): boolean {
    if (!this.current) this.checkUnlocked();
    const op = from.pop();
    if (!op) return false;
    run(op);
    to.push(op);
    return true;
  }
}
