import { ExternalStore } from './external-store';
import {
  openDatabase,
  quoteIdentifier,
  type ChangeEvent,
  type Database,
  type OperationInfo,
  type PushResult,
  type SyncOptions,
  type TrackedTable,
} from '../src/index';
import { detectDelimiter } from './csv-text';
import { tableNameFor } from './imported-file';
import { errorMessage, formatKey, type Message, type RowLink } from './messages';
import { isPlainView, PLAIN_VIEW, viewRefs, viewRefsAsync, type ViewSpec } from './row-view';
import { createSampleDatabase } from './sample-database';
import { errorMarks, NO_ERROR_MARKS, unmark, type ErrorMarks } from './error-marks';
import { DEFAULT_LAYOUT, moveShown, renameInLayout, type ColumnLayout } from './column-layout';
import { PlaygroundSync } from './playground-sync';
import type {
  Confirmation,
  CsvDraft,
  CsvImport,
  GridTarget,
  PendingChanges,
  ReferenceChoice,
  RemoteNotice,
  TaskProgress,
} from './playground-types';
import { referencingRows, type Referencing } from './referencing-rows';
import { TaskStatus } from './task-status';
import { DatabaseCatalog, type IndexEntry } from './database-catalog';
import { referenceChoices } from './reference-choices';
import { pushedMessage, pushPhaseLabel, rebaseMessage, refusedPushMessage } from './push-messages';
import { findRef, sameRefs } from './find-ref';
import { downloadDatabase, exportTableFile } from './table-export';
import { deleteConfirmation } from './delete-confirmation';
import {
  generateTable,
  importCsvTable,
  importSqliteFile,
  resetDatabase,
  type ActionHost,
} from './database-actions';
import { SqlConsole } from './sql-console-state';
import type { SchemaMarks } from './schema-marks';
import { changeCounts, PendingPlan } from './pending-plan';
import {
  forgetPushed,
  keepEarlier,
  operationsByTable,
  type EarlierOperations,
} from './earlier-operations';

/**
 * The playground's state and everything a user can do, independent of React: components read its
 * fields and call its methods, and re-render when `subscribe` reports a change. Every action
 * catches its errors and turns them into a message; none throws.
 */
export class Playground extends ExternalStore {
  readonly databaseName: string;
  db: Database | null = null;
  status: 'opening' | 'ready' | 'failed' = 'opening';
  /** Tables (with row counts), views and indexes, as the sidebar lists them. */
  readonly #catalog = new DatabaseCatalog();
  /** The table the grid shows. */
  table: TrackedTable | null = null;
  /** What the main area shows: the shown table, or the SQL console. */
  mode: 'table' | 'sql' = 'table';
  readonly sqlConsole = new SqlConsole();
  view: ViewSpec = PLAIN_VIEW;
  /** Changes when another table or view is shown: the grid starts again at the top. */
  viewRevision = 0;
  /** Row references the grid shows, in display order. */
  refs: Int32Array = new Int32Array(0);
  /** Changes whenever a cell of the shown table may have changed: the grid redraws. */
  dataRevision = 0;
  /**
   * Changes when grid positions may mean other rows (another table, sort or filter, rows gone
   * after a push): the grid's selection is dropped. Edits keep positions: deleted rows stay in
   * place, struck through, and inserted rows come last.
   */
  layout = 0;
  /** What is running (actions that write are disabled meanwhile) and its progress. */
  readonly #task = new TaskStatus(() => this.changed());
  message: Message | null = null;
  notice: RemoteNotice | null = null;
  lastPush: PushResult | null = null;
  target: GridTarget | null = null;
  /**
   * Operations made before a refresh, by table: a refresh rebases pending edits and the undo
   * history starts again, but the user still sees what they did (until a push or a discard).
   */
  earlier: EarlierOperations = new Map();
  /** Cells the last refused push named, marked in the grid until edited. */
  errorMarks: ErrorMarks = NO_ERROR_MARKS;
  /** A CSV file waiting in the import dialog. */
  csvDraft: CsvDraft | null = null;
  /** The question the confirmation dialog asks, if any. */
  confirmation: Confirmation | null = null;

  readonly #loaded = new Map<string, TrackedTable>();
  /** Column order, hidden and frozen columns, by table: display choices kept per table. */
  readonly #layouts = new Map<string, ColumnLayout>();
  #unsubscribe: (() => void) | null = null;
  /** The pending-changes panel's plan, and the grid's marks of its schema changes. */
  readonly #pending = new PendingPlan(
    () => ({ db: this.db, loaded: this.#loaded, shown: this.table?.name ?? null }),
    (marksChanged) => {
      if (marksChanged) this.dataRevision++;
      this.changed();
    },
  );

  /** With a sync server (`?sync=…`, or the Sync dialog): its status, pause, resume, refusals. */
  readonly sync: PlaygroundSync | null;

  constructor(databaseName: string, options: { sync?: SyncOptions | null } = {}) {
    super();
    this.databaseName = databaseName;
    this.sync = options.sync ? new PlaygroundSync(this, options.sync) : null;
  }

  /** What the pending-changes panel shows. */
  get pending(): PendingChanges {
    return this.#pending.changes;
  }

  /** The shown table's pending schema changes, as the grid marks them. */
  get marks(): SchemaMarks {
    return this.#pending.marks;
  }

  get tableNames(): readonly string[] {
    return this.#catalog.tableNames;
  }

  get rowCounts(): ReadonlyMap<string, number> {
    return this.#catalog.rowCounts;
  }

  get indexes(): readonly IndexEntry[] {
    return this.#catalog.indexes;
  }

  get views(): readonly string[] {
    return this.#catalog.views;
  }

  get progress(): TaskProgress | null {
    return this.#task.progress;
  }

  /** What is running; actions that write are disabled meanwhile. */
  get busy(): string | null {
    return this.#task.busy;
  }

  // ---- opening -----------------------------------------------------------------------------

  /** Opens the database; on the first visit, creates the sample database. */
  async open(): Promise<void> {
    try {
      this.#task.setProgress('Opening the database', 0, null);
      const db = await openDatabase(
        this.databaseName,
        this.sync ? { sync: this.sync.options } : {},
      );
      this.db = db;
      this.sync?.attach(db);
      // A synced database gets its tables from the server: the first table shows once loaded.
      if (db.tableNames().length === 0 && !this.sync) {
        this.#task.setProgress('Creating the sample database', 0, null);
        await createSampleDatabase(db);
        this.message = {
          kind: 'info',
          title: 'Welcome: this is a sample database, created in your browser',
          detail:
            'Edit cells, insert or delete rows, change columns: every change is pending until ' +
            'you push it. The database lives in IndexedDB and survives reloads.',
        };
      }
      this.#unsubscribe = db.on('change', (e) => void this.#onChange(e));
      this.status = 'ready';
      await this.#syncTables();
      const first = this.tableNames[0];
      this.#task.progress = null;
      if (first !== undefined) await this.select(first);
    } catch (e) {
      this.status = 'failed';
      this.#task.progress = null;
      this.message = errorMessage(e, 'The database could not be opened');
    }
    this.changed();
  }

  /** Closes the database (the page is going away). */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.db?.close();
  }

  // ---- tables and the view -----------------------------------------------------------------

  /** Shows a table in the grid, loading it first if needed. */
  async select(name: string): Promise<void> {
    const db = this.db;
    if (!db) return;
    try {
      if (!this.#loaded.has(name)) {
        this.#task.setProgress(`Loading ${name}`, 0, null);
        const report = this.#task.reporter((p) => [`Loading ${name}`, p.done, p.total]);
        const t = await db.table(name, { onProgress: report.onProgress }).finally(report.end);
        this.#loaded.set(name, t);
        // Edits restored from a draft (saved in this browser) are pending: count and plan them.
        if (t.hasChanges || t.canRedo) this.#pending.schedule();
      }
      this.table = this.#loaded.get(name)!;
      this.mode = 'table';
      this.#pending.show(name);
      this.view = PLAIN_VIEW;
      this.viewRevision++;
      this.layout++;
      this.#recomputeRefs();
      this.#catalog.countRows(name, this.table.numRows);
    } catch (e) {
      this.message = errorMessage(e, `Table ${name} could not be loaded`);
    }
    this.#task.progress = null;
    this.changed();
  }

  /** The shown table's column layout (order, hidden, frozen). */
  columnLayout(): ColumnLayout {
    return (this.table && this.#layouts.get(this.table.name)) ?? DEFAULT_LAYOUT;
  }

  setColumnLayout(layout: ColumnLayout): void {
    if (!this.table) return;
    this.#layouts.set(this.table.name, layout);
    this.dataRevision++;
    this.changed();
  }

  /** Moves a shown column (the grid's drag and drop, or the column menu). */
  moveColumn(from: number, to: number): void {
    if (this.table)
      this.setColumnLayout(moveShown(this.table.columns, this.columnLayout(), from, to));
  }

  /** Rows of `table` a foreign key to its `column` can point at, with a label. */
  async referenceChoices(table: string, column: string): Promise<ReferenceChoice[]> {
    return this.db ? referenceChoices(this.db, this.#loaded, table, column) : [];
  }

  /** Shows the SQL console in place of the table. */
  showSql(): void {
    this.mode = 'sql';
    this.changed();
  }

  /** Runs a query in the SQL console (read-only, on the committed database). */
  async runSql(sql: string): Promise<void> {
    const db = this.db;
    if (!db) return;
    const run = this.sqlConsole.run(db, sql);
    this.changed();
    await run;
    this.changed();
  }

  /** Sorts the grid by one column (ascending, then descending, then table order). */
  toggleSort(column: string): void {
    const s = this.view.sorts.length === 1 ? this.view.sorts[0] : undefined;
    const sorts =
      s?.column !== column
        ? [{ column, descending: false }]
        : !s.descending
          ? [{ column, descending: true }]
          : [];
    this.setView({ ...this.view, sorts });
  }

  /** Shows only rows whose `column` contains `text`; empty text shows every row. */
  setFilter(column: string, text: string): void {
    this.setView({
      ...this.view,
      filters: text === '' ? [] : [{ column, op: 'contains', value: text }],
    });
  }

  /**
   * Shows the table through a view (filters, search, sorts). Over a large table the work runs a
   * slice at a time between frames, with a percentage: the page never freezes.
   */
  setView(view: ViewSpec): void {
    const t = this.table;
    if (t && t.numRows >= LARGE_VIEW && !isPlainView(view) && !this.busy) {
      void this.#setViewInSlices(t, view);
      return;
    }
    this.view = view;
    this.#viewShown();
    this.#recomputeRefs();
    this.changed();
  }

  #viewShown(): void {
    this.viewRevision++;
    this.layout++;
  }

  async #setViewInSlices(t: TrackedTable, view: ViewSpec): Promise<void> {
    const rows = t.numRows.toLocaleString('en');
    const sorting = view.sorts.length > 0 && view.sorts !== this.view.sorts;
    this.#task.busy = sorting ? 'Sorting rows' : 'Filtering rows';
    const revision = this.dataRevision;
    const label = (phase: string) => `${phase} ${rows} rows`;
    this.#task.setProgress(
      label(sorting && !view.filters.length && !view.search ? 'Sorting' : 'Filtering'),
      0,
      1,
    );
    try {
      const refs = await viewRefsAsync(
        t,
        view,
        (p) => this.#task.setProgress(label(p.phase), p.done, p.total),
        // An edit or another table meanwhile: the result would be of other rows.
        () => this.table !== t || this.dataRevision !== revision,
      );
      if (refs) {
        this.view = view;
        this.refs = refs;
        this.dataRevision++;
        this.#viewShown();
      }
    } catch (e) {
      this.message = errorMessage(e, 'The view could not be applied');
    }
    this.#task.setBusy(null);
  }

  // ---- edits ---------------------------------------------------------------------------------

  /** Sets one cell of the shown table by row reference. */
  setCell(ref: number, column: string, value: unknown): void {
    const marks = this.errorMarks;
    this.#unmark([{ ref, column }]);
    if (!this.#edit('Edit refused', (t) => t.setAt(ref, column, value), false))
      this.errorMarks = marks;
  }

  /** Edited cells are no longer the ones a refused push named. */
  #unmark(cells: readonly { ref: number; column: string }[]): void {
    const t = this.table;
    if (!t || !this.errorMarks.has(t.name)) return;
    for (const c of cells)
      this.errorMarks = unmark(this.errorMarks, t.name, t.keyAt(c.ref), c.column);
  }

  /** Sets cells to NULL (the Delete key over a selection), as one operation where possible. */
  clearCells(cells: readonly { ref: number; column: string }[]): void {
    this.setCells(
      cells.map((c) => ({ ...c, value: null })),
      'Clear refused',
    );
  }

  /**
   * Sets several cells (a paste, a cleared range) as ONE operation, so that one undo takes it
   * back. Rows without a key yet (inserted, key to be assigned) can only be set one by one.
   */
  setCells(
    cells: readonly { ref: number; column: string; value: unknown }[],
    title = 'Paste refused',
  ): boolean {
    const marks = this.errorMarks;
    this.#unmark(cells);
    const ok = this.#edit(
      title,
      (t) => {
        const keys = cells.map((c) => t.keyAt(c.ref));
        if (keys.every((k) => k.every((v) => v !== null))) {
          t.setCells(cells.map((c, i) => ({ key: keys[i]!, column: c.column, value: c.value })));
        } else {
          for (const c of cells) t.setAt(c.ref, c.column, c.value);
        }
      },
      false,
    );
    if (!ok) this.errorMarks = marks;
    return ok;
  }

  /** Inserts one row; values by column (left-out columns take their default). */
  insertRow(values: Readonly<Record<string, unknown>>): boolean {
    const ok = this.#edit('Insert refused', (t) => t.insert(values), true);
    // Inserted rows come last in table order: show the new one.
    const last = this.refs[this.refs.length - 1];
    if (ok && isPlainView(this.view) && last !== undefined) this.#target(last);
    return ok;
  }

  /**
   * Deletes rows, but first tells of rows of other tables that reference them (by their foreign
   * keys), which would make the push fail: how many, with a way to show them.
   */
  async askDelete(refs: readonly number[]): Promise<void> {
    const t = this.table;
    if (!t || refs.length === 0) return;
    let found: Referencing[] = [];
    try {
      found = this.db ? await referencingRows(this.db, this.#loaded, t, refs) : [];
    } catch {
      // The check is a courtesy: the push still refuses what the database refuses.
    }
    const blocking = found.filter((f) => !/CASCADE|SET NULL|SET DEFAULT/i.test(f.onDelete));
    if (!blocking.length || this.table !== t) return this.deleteRows(refs);
    this.confirm(
      deleteConfirmation(
        t.name,
        refs.length,
        blocking,
        () => this.deleteRows(refs),
        (f) => void this.#showReferencing(f),
      ),
    );
  }

  async #showReferencing(f: Referencing): Promise<void> {
    await this.select(f.table);
    this.setView({
      ...PLAIN_VIEW,
      filters: [
        f.values.length === 1
          ? { column: f.column, op: '=', value: f.values[0]! }
          : { column: f.column, op: 'is one of', value: f.values.join(', ') },
      ],
    });
  }

  deleteRows(refs: readonly number[]): void {
    if (refs.length === 0) return;
    this.#edit('Delete refused', (t) => t.deleteAt(refs), true);
  }

  addColumn(name: string, type: string, defaultValue: unknown): boolean {
    return this.#edit(
      'Add column refused',
      (t) =>
        t.addColumn(name, {
          type,
          ...(defaultValue === null || defaultValue === undefined ? {} : { default: defaultValue }),
        }),
      true,
    );
  }

  renameColumn(from: string, to: string): boolean {
    return this.#edit(
      'Rename refused',
      (t) => {
        t.renameColumn(from, to);
        this.#renameInView(from, to);
        this.#layouts.set(t.name, renameInLayout(this.columnLayout(), from, to));
      },
      true,
    );
  }

  dropColumn(name: string): boolean {
    return this.#edit('Drop refused', (t) => t.dropColumn(name), true);
  }

  retypeColumn(name: string, type: string, invalid: 'error' | 'null' | 'keep'): boolean {
    return this.#edit('Type change refused', (t) => t.retypeColumn(name, type, { invalid }), true);
  }

  undo(): void {
    this.#edit('Undo failed', (t) => t.undo(), true);
  }

  redo(): void {
    this.#edit('Redo failed', (t) => t.redo(), true);
  }

  /** Row references of positions in the grid (out-of-range positions are skipped). */
  refsAt(positions: readonly number[]): number[] {
    const out: number[] = [];
    for (const p of positions) {
      const ref = this.refs[p];
      if (ref !== undefined) out.push(ref);
    }
    return out;
  }

  /** The shown table's operations since the last push, oldest first. */
  operations(): OperationInfo[] {
    return this.table?.operations() ?? [];
  }

  /** Asks before dropping every pending edit of every table. */
  askDiscard(): void {
    // Counted now, not taken from `pending`: that is refreshed 80 ms after the last edit, and a
    // click that quick would be told of fewer changes than it throws away.
    const edits = changeCounts(this.#loaded);
    const count = edits.reduce((n, c) => n + c.inserts + c.updates + c.deletes + c.schema, 0);
    this.confirm({
      title: 'Discard every pending change?',
      detail:
        `${count.toLocaleString('en')} pending change(s) to ${edits.map((c) => c.table).join(', ')} ` +
        'are thrown away, undo history included. This cannot be undone.',
      confirm: 'Discard all',
      run: () => this.discard(),
    });
  }

  /** Shows a confirmation dialog; `run` runs if the user goes ahead. */
  confirm(confirmation: Confirmation): void {
    this.confirmation = confirmation;
    this.changed();
  }

  /** The user's answer to the confirmation dialog. */
  answer(go: boolean): void {
    const c = this.confirmation;
    this.confirmation = null;
    this.changed();
    if (go) c?.run();
  }

  /** Drops every pending edit of every loaded table. */
  discard(): void {
    for (const t of this.#loaded.values()) t.discard();
    this.earlier = new Map();
    this.errorMarks = NO_ERROR_MARKS;
    this.layout++;
    this.message = { kind: 'info', title: 'Discarded every pending change' };
    this.#afterEdit(true);
  }

  // ---- push, refresh ---------------------------------------------------------------------------

  /** Pushes every loaded table in one transaction; reports time, rows and bytes. */
  async push(conflict: 'fail' | 'overwrite' = 'fail'): Promise<void> {
    const db = this.db;
    if (!db || this.busy) return;
    this.#task.setBusy('Pushing');
    const before = operationsByTable(this.#loaded);
    try {
      const report = this.#task.reporter((p) => [pushPhaseLabel(p), p.done, p.total]);
      const result = await db.push({ conflict, onProgress: report.onProgress }).finally(report.end);
      this.lastPush = result;
      // Pushed tables start a new history; tables rebased by the push keep what came before.
      this.earlier = forgetPushed(this.earlier, result.tables);
      if (result.conflicts.length) {
        for (const name of result.tables) before.delete(name);
        this.earlier = keepEarlier(this.earlier, before);
      }
      this.message = pushedMessage(result);
      if (result.conflicts.length) this.message = rebaseMessage(result.conflicts);
      this.errorMarks = NO_ERROR_MARKS;
    } catch (e) {
      this.errorMarks = errorMarks(
        e,
        (table) =>
          db
            .tables()
            .find((t) => t.name === table)
            ?.columns.map((c) => c.name) ?? [],
      );
      this.message = refusedPushMessage(
        e,
        (table, columns, values) => this.#isDeleted(table, columns, values),
        { refresh: () => void this.refresh(), overwrite: () => void this.push('overwrite') },
      );
    }
    this.#task.setBusy(null);
    await this.#reloadView();
  }

  /** Takes in other tabs' commits, rebasing pending edits; reports contested ones. */
  async refresh(): Promise<void> {
    const db = this.db;
    if (!db || this.busy) return;
    this.#task.setBusy('Refreshing');
    const before = operationsByTable(this.#loaded);
    try {
      const conflicts = await db.refresh();
      this.earlier = keepEarlier(this.earlier, before);
      this.notice = null;
      this.message = {
        kind: 'success',
        title: 'Refreshed: the tables show what the database holds',
      };
      if (conflicts.length) this.message = rebaseMessage(conflicts);
    } catch (e) {
      this.message = errorMessage(e, 'Refresh failed');
    }
    this.#task.setBusy(null);
    await this.#reloadView();
  }

  /** Shows a message (sync's, from outside this class). */
  show(message: Message): void {
    this.message = message;
    this.changed();
  }

  /** Takes in edits made to the loaded tables from outside (a refused push's, returned). */
  async tablesChanged(): Promise<void> {
    await this.#reloadView();
  }

  dismissMessage(): void {
    this.message = null;
    this.changed();
  }

  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  /** Scrolls the grid to a row a message names, switching table and clearing the view if needed. */
  async goTo(link: RowLink): Promise<void> {
    if (this.table?.name !== link.table || this.mode !== 'table') await this.select(link.table);
    const t = this.table;
    if (!t || t.name !== link.table) return;
    const ref = findRef(t, link.key);
    if (ref === undefined) {
      this.message = {
        kind: 'warning',
        title: `Row ${formatKey(link.key)} is no longer in ${link.table}`,
      };
      this.changed();
      return;
    }
    if (!this.refs.includes(ref)) this.setView(PLAIN_VIEW);
    this.#target(ref);
  }

  #target(ref: number): void {
    this.target = { ref, column: null, nonce: (this.target?.nonce ?? 0) + 1 };
    this.changed();
  }

  // ---- database-wide actions ---------------------------------------------------------------

  /** Generates a table of `rows` rows, with a progress bar, and shows it. */
  async generate(rows: number): Promise<void> {
    await this.#act('Generating', (host) => generateTable(host, rows));
  }

  /** Asks before replacing the whole database with an SQLite file. */
  askOpenSqlite(file: File): void {
    this.confirm({
      title: `Replace the database with ${file.name}?`,
      detail:
        `Every table here (${this.tableNames.join(', ') || 'none'}) is replaced by the file's ` +
        'tables. Download .sqlite first to keep a copy; to add a table instead, use Import CSV.',
      confirm: 'Replace the database',
      run: () => void this.importFile(file),
    });
  }

  /** Replaces the database with an SQLite file (`askOpenSqlite` asks first). */
  async importFile(file: File): Promise<void> {
    await this.#act(`Importing ${file.name}`, (host) => importSqliteFile(host, file));
  }

  /** Reads a CSV file and opens the import dialog: its delimiter guessed, a preview, options. */
  async previewCsv(file: File): Promise<void> {
    try {
      const text = await file.text();
      this.csvDraft = {
        fileName: file.name,
        text,
        delimiter: detectDelimiter(text),
        name: tableNameFor(file.name, this.tableNames),
      };
    } catch (e) {
      this.message = errorMessage(e, `Reading ${file.name} failed`);
    }
    this.changed();
  }

  cancelCsv(): void {
    this.csvDraft = null;
    this.changed();
  }

  /** Imports the CSV file of the import dialog as a new table, with the options chosen there. */
  async importCsv(options: CsvImport): Promise<void> {
    const draft = this.csvDraft;
    if (!this.db || !draft || this.busy) return;
    this.csvDraft = null;
    await this.#act(`Importing ${draft.fileName}`, (host) => importCsvTable(host, draft, options));
  }

  /** Downloads the shown table, pending edits included, as CSV or JSON (an array of rows). */
  exportTable(format: 'csv' | 'json'): void {
    if (!this.table) return;
    this.message = exportTableFile(this.table, format);
    this.changed();
  }

  /** Downloads the database as an SQLite file. */
  async download(): Promise<void> {
    if (!this.db || this.busy) return;
    this.message = await downloadDatabase(this.db, this.databaseName);
    this.changed();
  }

  /** Replaces the database with a fresh sample database. */
  async reset(): Promise<void> {
    const message = await this.#act('Resetting', resetDatabase);
    if (message?.kind !== 'success') return;
    this.lastPush = null;
    this.notice = null;
    this.changed();
  }

  /** Runs a database-wide action with the playground busy, then shows what it answers. */
  async #act(
    label: string,
    action: (host: ActionHost) => Promise<Message>,
  ): Promise<Message | null> {
    const db = this.db;
    if (!db || this.busy) return null;
    this.#task.setBusy(label);
    const message = await action({
      db,
      task: this.#task,
      loaded: this.#loaded,
      tableNames: () => this.tableNames,
      syncTables: () => this.#syncTables(),
      select: (name) => this.select(name),
      forgetTables: () => {
        this.#loaded.clear();
        this.table = null;
      },
    });
    this.message = message;
    this.#task.setBusy(null);
    return message;
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Runs an edit of the shown table; on failure shows why. Returns whether it was made. */
  #edit(title: string, fn: (t: TrackedTable) => unknown, structural: boolean): boolean {
    const t = this.table;
    if (!t) return false;
    try {
      fn(t);
    } catch (e) {
      this.message = errorMessage(e, title);
      this.changed();
      return false;
    }
    if (this.message?.kind === 'error') this.message = null;
    this.#afterEdit(structural);
    return true;
  }

  #afterEdit(structural: boolean): void {
    // A cell edit leaves the rows shown unchanged; only inserts, deletes, undo and schema changes
    // can add or remove rows (at 1M rows, recomputing references costs tens of milliseconds).
    if (structural) this.#recomputeRefs();
    this.dataRevision++;
    if (this.table) this.#catalog.countRows(this.table.name, this.table.numRows);
    this.#pending.schedule();
    this.changed();
  }

  #recomputeRefs(): void {
    const t = this.table;
    if (!t) {
      this.refs = new Int32Array(0);
      return;
    }
    try {
      this.refs = viewRefs(t, this.view);
    } catch (e) {
      this.view = PLAIN_VIEW;
      this.refs = viewRefs(t, PLAIN_VIEW);
      this.message = errorMessage(e, 'The view could not be applied');
    }
    this.dataRevision++;
  }

  #renameInView(from: string, to: string): void {
    const rename = <T extends { column: string }>(s: T): T =>
      s.column === from ? { ...s, column: to } : s;
    this.view = {
      ...this.view,
      sorts: this.view.sorts.map(rename),
      filters: this.view.filters.map(rename),
    };
  }

  async #onChange(e: ChangeEvent): Promise<void> {
    if (e.source === 'remote') {
      const mine = this.notice;
      this.notice = {
        tables: [...new Set([...(mine?.tables ?? []), ...e.tables])],
        stale: e.stale,
      };
    }
    await this.#reloadView();
  }

  /** Takes in whatever the database did: tables created or dropped, rows changed by a commit. */
  async #reloadView(): Promise<void> {
    const db = this.db;
    if (!db) return;
    await this.#syncTables();
    for (const name of [...this.#loaded.keys()]) {
      if (!this.tableNames.includes(name)) {
        this.#loaded.delete(name);
        continue;
      }
      // The database hands out the same table object after a commit; a new one replaces it.
      this.#loaded.set(name, await db.table(name));
    }
    const current = this.table?.name;
    if (current !== undefined && this.#loaded.has(current)) {
      this.table = this.#loaded.get(current)!;
      // References are valid until the next push or refresh: recompute them. Where every position
      // holds the same row (a push of updates), the selection stays: a cell clicked while the
      // push was being taken in is not dropped.
      const before = this.refs;
      this.#recomputeRefs();
      if (!sameRefs(before, this.refs)) this.layout++;
      this.#catalog.countRows(current, this.table.numRows);
    } else if (current !== undefined || this.mode === 'table') {
      // The shown table is gone, or none was (a synced database's tables just arrived).
      this.table = null;
      const first = this.tableNames[0];
      if (first !== undefined) await this.select(first);
    }
    this.#pending.schedule();
    this.changed();
  }

  async #syncTables(): Promise<void> {
    if (this.db) await this.#catalog.read(this.db, this.#loaded);
  }

  /** Shows a view of the database in the SQL console: its rows, read-only. */
  async showView(name: string): Promise<void> {
    this.sqlConsole.sql = `SELECT * FROM ${quoteIdentifier(name)} LIMIT 1000`;
    this.sqlConsole.loaded++;
    this.mode = 'sql';
    await this.runSql(this.sqlConsole.sql);
  }

  /** Whether a loaded table's row, found by its key, is deleted by the pending edits. */
  #isDeleted(table: string, columns: readonly string[], values: readonly unknown[]): boolean {
    const t = this.#loaded.get(table);
    if (!t || t.key.join('\0') !== columns.join('\0')) return false;
    const ref = findRef(t, values);
    return ref !== undefined && t.rowState(ref) === 'deleted';
  }
}

/** Rows from which a view is computed a slice at a time between frames, with a percentage. */
const LARGE_VIEW = 50_000;
