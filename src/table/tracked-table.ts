import type { ColumnTable } from 'arquero';
import { buildPlan, type BuildPlanOptions } from '../plan/build-plan';
import { sqlitePlanText } from '../plan/plan-to-sql';
import type { ExecutionPlan } from '../plan/execution-plan';
import type { TableDiff } from '../plan/table-diff';
import type { ColumnarData } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue, RowObject } from '../values/sql-value';
import { schemaChangeCount } from './collect-changes';
import { diffTable } from './diff-table';
import { assignColumn, updateWhere, upsertRows, type ColumnSource } from './edits/bulk-edits';
import { deleteRows, deleteWhere, type RowPredicate } from './edits/delete-rows';
import { createIndex, dropIndex, indexChangeCount, type IndexOptions } from './edits/index-edits';
import { insertRows, rowInputs, type RowInput } from './edits/insert-rows';
import { addColumn, type AddColumnSpec } from './edits/add-column';
import { dropColumn, renameColumn, retypeColumn, type RetypeOptions } from './edits/schema-edits';
import { setCell, setCells, updateRow, type CellEdit } from './edits/set-cell';
import { transformTable, type TransformOptions } from './edits/transform-table';
import { toKey, type KeyInput } from './key-input';
import { loadState } from './load-state';
import type { OperationInfo } from './operation-log';
import { rowChanges, type TableChanges } from './row-changes';
import { buildSnapshot, type Snapshot } from './snapshot';
import type { TableState } from './table-state';
import { cellChangedAt, refsOfView, rowRefsOf, rowStateAt, type RowState } from './row-ref-reads';
import { deleteAtRefs, setAtRef } from './edits/ref-edits';
import { checkOptions } from '../errors/check-options';
import { ownCopies, ownCopy } from './own-copy';
import { rebase, type RebaseConflict, type RebasePolicy, type TableUpdate } from './rebase';
import { setField } from '../values/set-field';

/** A column of a tracked table as it stands with pending edits. */
export interface ColumnDescription {
  readonly name: string;
  readonly declaredType: string;
  readonly kind: ColumnKind;
  readonly notNull: boolean;
  readonly key: boolean;
}

/** Counts of pending changes. */
export interface ChangeCounts {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  readonly schema: number;
}

export type { AddColumnSpec } from './edits/add-column';

/**
 * An Arquero table whose edits are tracked: edit it like a DataFrame, read it with the whole
 * Arquero API (`table()` returns an immutable snapshot), then push exactly what changed.
 *
 * @example
 * ```ts
 * const users = await db.table('users');
 * users.set(1, 'name', 'Ada').insert([{ id: 2, name: 'Grace' }]).delete(3);
 * users.table().filter((d) => d.name !== null).objects();
 * await users.push();
 * ```
 */
export class TrackedTable {
  /** @internal Replaced only when a draft is restored (see `adopt`). */
  state: TableState;
  #snapshot: { version: number; snapshot: Snapshot } | null = null;

  /** @internal Use `Database.table()`, or {@link trackedTable} for a table without a database. */
  constructor(info: TableInfo, data: ColumnarData) {
    this.state = loadState(info, data);
  }

  /** The table's name. */
  get name(): string {
    return this.state.name;
  }

  /** Key column names (for a table without a declared key: the rowid column). */
  get key(): readonly string[] {
    return this.state.keyColumns.map((c) => c.name);
  }

  /** The columns as they stand with pending edits. */
  get columns(): readonly ColumnDescription[] {
    return this.state.columns.map((c) => ({
      name: c.name,
      declaredType: c.declaredType,
      kind: c.kind,
      notNull: c.notNull,
      key: this.state.isKeyColumn(c),
    }));
  }

  /** Number of rows with pending edits applied. */
  get numRows(): number {
    return this.state.rowCount;
  }

  /** The schema as last read from the database. */
  get info(): TableInfo {
    return this.state.info;
  }

  /** @internal The current snapshot and its row mapping. */
  snapshot(): Snapshot {
    const s = this.state;
    if (this.#snapshot?.version !== s.version)
      this.#snapshot = { version: s.version, snapshot: buildSnapshot(s) };
    return this.#snapshot.snapshot;
  }

  /**
   * The current rows as an Arquero table: a snapshot that never changes, whatever is edited later,
   * and that nothing done to it changes the tracked table. Its columns are read-only views (read
   * with `at()`, iteration or any verb); rows deleted since the last push are not in it. Taken
   * again after an edit, it costs the pending edits, not the rows.
   *
   * @example
   * ```ts
   * users.table().filter((d) => d.age > 30).objects();
   * users.table().column('name')!.at(0);
   * ```
   */
  table(): ColumnTable {
    return this.snapshot().table;
  }

  /** A cell's current value, by key. O(1). Bytes and dates are copies: the caller's own. */
  get(key: KeyInput, column: string): CellValue | undefined {
    const col = this.state.column(column);
    const row = this.state.find(toKey(this.state, key));
    return row === undefined ? undefined : ownCopy(this.state.value(row, col));
  }

  /** A row as an object, or undefined when no row has this key. */
  row(key: KeyInput): RowObject | undefined {
    const row = this.state.find(toKey(this.state, key));
    if (row === undefined) return undefined;
    const out: RowObject = {};
    for (const c of this.state.columns) setField(out, c.name, ownCopy(this.state.value(row, c)));
    return out;
  }

  /** Whether a row has this key. */
  has(key: KeyInput): boolean {
    return this.state.find(toKey(this.state, key)) !== undefined;
  }

  // ---- row references: for grids and other views that show rows by position -------------------

  /**
   * References of the rows in table order: stored rows (deleted ones too when `includeDeleted`,
   * so a view can show them struck through), then inserted rows. A reference stays valid until
   * the next push or refresh.
   */
  rowRefs(options: { includeDeleted?: boolean } = {}): Int32Array {
    checkOptions('rowRefs()', options, { includeDeleted: 'boolean' });
    return rowRefsOf(this.state, options.includeDeleted === true);
  }

  /**
   * References of the rows of a view made from `table()` by verbs that keep its storage (filter,
   * orderby, slice...), in the view's order. Sort and filter for display without editing.
   */
  refsOf(view: ColumnTable): Int32Array {
    return refsOfView(this.state, this.snapshot(), view);
  }

  /** The reference of the row holding `key`, or undefined. */
  refOf(key: KeyInput): number | undefined {
    return this.state.find(toKey(this.state, key));
  }

  /** A cell's current value by row reference. */
  valueAt(ref: number, column: string): CellValue {
    const col = this.state.column(column);
    return ownCopy(this.state.value(ref, col));
  }

  /** The current key of a row by reference. */
  keyAt(ref: number): CellValue[] {
    return ownCopies(this.state.currentKey(ref));
  }

  /** Whether a row is unchanged, inserted, updated or deleted since the last push. */
  rowState(ref: number): RowState {
    return rowStateAt(this.state, ref);
  }

  /** Whether a cell differs from its stored value (always true for an inserted row's given cells). */
  isChangedAt(ref: number, column: string): boolean {
    return cellChangedAt(this.state, ref, column);
  }

  /** Sets one cell by row reference (rows whose key the database has yet to assign have no key). */
  setAt(ref: number, column: string, value: unknown): this {
    setAtRef(this.state, ref, column, value);
    return this;
  }

  /** Deletes rows by reference. */
  deleteAt(refs: ArrayLike<number>): this {
    deleteAtRefs(this.state, refs);
    return this;
  }

  /** Sets one cell. O(1). */
  set(key: KeyInput, column: string, value: unknown): this {
    setCell(this.state, key, column, value);
    return this;
  }

  /** Sets many cells as one operation. */
  setCells(edits: readonly CellEdit[]): this {
    setCells(this.state, edits);
    return this;
  }

  /** Sets several columns of one row. */
  update(key: KeyInput, values: Readonly<Record<string, unknown>>): this {
    updateRow(this.state, key, values);
    return this;
  }

  /**
   * Assigns a whole column: values in table order, or an Arquero expression such as
   * `d => d.price * 1.1`. Assigning a column that does not exist adds it (type inferred).
   */
  assign(column: string, source: ColumnSource): this {
    assignColumn(this.state, this.snapshot(), column, source);
    return this;
  }

  /** Inserts rows (objects or an Arquero table). Left-out columns take their defaults. */
  insert(rows: RowInput | readonly RowInput[] | ColumnTable): this {
    insertRows(this.state, rowInputs(rows));
    return this;
  }

  /** Deletes rows by key: one key, or an array of keys. */
  delete(keys: KeyInput | readonly KeyInput[]): this {
    deleteRows(this.state, keys);
    return this;
  }

  /** Deletes the rows where an Arquero predicate holds; returns how many. */
  deleteWhere(predicate: RowPredicate): number {
    return deleteWhere(this.state, this.snapshot(), predicate);
  }

  /**
   * Sets columns of the rows where an Arquero predicate holds. Values are constants or
   * expressions (functions). Returns how many rows matched.
   */
  updateWhere(predicate: RowPredicate, values: Readonly<Record<string, unknown>>): number {
    return updateWhere(this.state, this.snapshot(), predicate, values);
  }

  /** Inserts rows with new keys, updates the given columns of rows with existing keys. */
  upsert(rows: RowInput | readonly RowInput[] | ColumnTable): {
    inserted: number;
    updated: number;
  } {
    return upsertRows(this.state, rowInputs(rows));
  }

  /** Adds a column, optionally with values (one per row, or an expression). */
  addColumn(name: string, spec: AddColumnSpec): this {
    addColumn(this.state, () => this.snapshot(), name, spec);
    return this;
  }

  /**
   * Creates an index over one or several columns, as a pending edit: previewed by `toSql()`,
   * undone by `undo()`, created when the table is pushed. `unique` refuses rows that share values
   * of the columns (the push fails with `constraint`, naming the rows, if stored rows do).
   *
   * @example
   * ```ts
   * orders.createIndex('orders_by_customer', ['customer', 'day']);
   * await orders.push();
   * ```
   */
  createIndex(name: string, columns: string | readonly string[], options?: IndexOptions): this {
    checkOptions('createIndex()', options, { unique: 'boolean' });
    createIndex(this.state, name, columns, options);
    return this;
  }

  /** Drops an index (one made by CREATE INDEX, not by a constraint), as a pending edit. */
  dropIndex(name: string): this {
    dropIndex(this.state, name);
    return this;
  }

  /** Drops a column (not a key column). */
  dropColumn(name: string): this {
    dropColumn(this.state, name);
    return this;
  }

  /** Renames a column. */
  renameColumn(from: string, to: string): this {
    renameColumn(this.state, from, to);
    return this;
  }

  /**
   * Changes a column's declared type; values convert as SQLite will convert them. Values the new
   * type cannot hold are refused unless `options.invalid` says otherwise.
   */
  retypeColumn(name: string, type: string, options?: RetypeOptions): this {
    checkOptions('retypeColumn()', options, { invalid: ['error', 'null', 'keep'] });
    retypeColumn(this.state, name, type, options);
    return this;
  }

  /**
   * Applies any Arquero transform to the whole table; the result is diffed against the current
   * state (rows matched by key unless `options.match` is `position`).
   *
   * @example
   * ```ts
   * products.transform((t) => t.derive({ price: (d) => d.price * 1.1 }));
   * ```
   */
  transform(fn: (table: ColumnTable) => ColumnTable, options?: TransformOptions): this {
    checkOptions('transform()', options, { match: ['key', 'position'] });
    transformTable(this.state, this.snapshot(), fn, options);
    return this;
  }

  /** Undoes the last operation not yet pushed. Returns false when there is none. */
  undo(): boolean {
    return this.state.undo();
  }

  /** Redoes the last undone operation. Returns false when there is none. */
  redo(): boolean {
    return this.state.redo();
  }

  get canUndo(): boolean {
    return this.state.log.done.length > 0;
  }

  get canRedo(): boolean {
    return this.state.log.undone.length > 0;
  }

  /** The operation log since the last push, oldest first. */
  operations(): OperationInfo[] {
    return this.state.log.list();
  }

  /** Every pending change, row by row. */
  changes(): TableChanges {
    return rowChanges(this.state);
  }

  /**
   * Counts of pending changes: O(1) in the rows, however many changed (every edit keeps the count
   * of changed rows up to date).
   */
  changeCounts(): ChangeCounts {
    const s = this.state;
    return {
      inserts: s.inserted.size,
      updates: s.changed.count,
      deletes: s.deleted.size,
      schema: schemaChangeCount(s) + indexChangeCount(s),
    };
  }

  /** Whether anything is pending. O(1) in the rows. */
  get hasChanges(): boolean {
    const s = this.state;
    return (
      s.changed.count > 0 ||
      s.deleted.size > 0 ||
      s.inserted.size > 0 ||
      schemaChangeCount(s) > 0 ||
      indexChangeCount(s) > 0
    );
  }

  /** @internal The net changes in plan terms. */
  diff(): TableDiff {
    return diffTable(this.state);
  }

  /** The execution plan that pushing this table alone would run. */
  plan(options?: BuildPlanOptions): ExecutionPlan {
    checkOptions('plan()', options, {
      steps: 'array',
      passes: 'functions',
      withoutGuards: 'boolean',
    });
    return buildPlan([this.diff()], options);
  }

  /** The plan as readable SQL: the statements a push runs, values inlined (see `planToSql`). */
  toSql(): string {
    return sqlitePlanText(this.plan(), 20, (name) => (name === this.name ? this.info : undefined));
  }

  /** Drops every pending edit and the operation log. */
  discard(): void {
    this.state.edit(
      'rebase',
      () => 'discard',
      () => undefined,
    );
    this.state.resetColumns();
  }

  /**
   * @internal Moves the table onto new stored contents (a reload, or commits in order), replaying
   * pending edits once on top.
   */
  applyUpdate(
    update: TableUpdate | readonly TableUpdate[],
    policy?: RebasePolicy,
  ): RebaseConflict[] {
    return rebase(this.state, update, policy);
  }

  /** @internal Takes a restored draft's state in place of the loaded one. */
  adopt(state: TableState): void {
    this.state = state;
    this.#snapshot = null;
  }

  /** @internal Refuses edits while `reason` is set (a push in flight). */
  lock(reason: string | null): void {
    this.state.lockedBy = reason;
  }
}
