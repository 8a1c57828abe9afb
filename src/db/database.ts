import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { asciiLower } from '../values/ascii-case';
import { PLAN_VERSION, type ExecutionPlan } from '../plan/execution-plan';
import type { CheckpointResult, EngineState, ProgressCallback } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { RebaseConflict } from '../table/rebase';
import { SyncClient } from '../sync/sync-client';
import type { RefusedPush, SyncOptions, SyncStatus } from '../sync/sync-options';
import type { SqlValue } from '../values/sql-value';
import type { Drafts } from '../drafts/drafts';
import type { ChangeListener } from './change-emitter';
import { commitPlan } from './commit-plan';
import type { CreateTableOptions } from './create-table-options';
import { createTableWork } from './create-table-steps';
import { runInSlices } from '../schedule/run-in-slices';
import { DatabaseState, type Engine } from './database-state';
import { DatabaseTable, type RefreshOptions, type TableHost } from './database-table';
import { downloadFile } from './download-file';
import { importDatabase } from './import-database';
import { fileBytes } from './file-bytes';
import { sourceTable, type TableSource } from './table-source';
import type { PushOptions, PushResult } from './push-result';
import { planOf, pushTables } from './push-tables';
import { syncHostOf } from './sync-host-of';
import { REFRESH_OPTIONS, refreshTables, takeCommitsSince, wasDropped } from './take-commits';
import { checkOptions } from '../errors/check-options';
import { checkCreateTableOptions } from './check-create-table-options';

/**
 * A database: SQLite in a worker, persisted in IndexedDB, shared safely by every tab that opens
 * the same name. Get tracked tables from it, edit them, push.
 *
 * @example
 * ```ts
 * const db = await openDatabase('shop');
 * const orders = await db.table('orders');
 * orders.updateWhere((d) => d.status === 'new', { status: 'sent' });
 * await db.push();
 * ```
 */
export class Database {
  readonly name: string;
  /** What the database knows, shared with the parts this facade delegates to. */
  readonly #state: DatabaseState;
  readonly #host: TableHost;
  /**
   * Pending edits saved in this browser as they are made and restored when the database is
   * opened again: status, events, `flush()`. See the README's "Drafts".
   */
  readonly drafts: Drafts;

  /** @internal Use {@link openDatabase}. */
  constructor(
    name: string,
    engine: Engine,
    state: EngineState,
    options: { drafts?: boolean } = {},
  ) {
    this.name = name;
    const s = new DatabaseState(name, engine, state, options.drafts ?? false);
    this.#state = s;
    this.drafts = s.drafts;
    this.#host = {
      pushTables: (tables, options) => pushTables(s, tables, options),
      refreshTable: (table, options) => refreshTables(s, [table], options),
      isStale: (table) => (s.loaded.get(table.name)?.queued.length ?? 0) > 0,
    };
  }

  /** @internal Subscribes to the engine's notifications of other writers' commits. */
  async listen(): Promise<void> {
    const s = this.#state;
    await s.engine.onRemoteCommit(() => {
      void s.serially(() => takeCommitsSince(s, 'remote')).catch(() => undefined);
    });
  }

  /** @internal Starts syncing with a server (see `openDatabase`'s `sync` option). */
  startSync(options: SyncOptions): void {
    const client = new SyncClient(
      syncHostOf(this.#state, (name) => this.table(name)),
      options,
    );
    this.#state.sync = { client, tables: options.tables ? new Set(options.tables) : null };
    client.start();
  }

  /** Where sync stands; null for a database opened without `sync`. */
  get syncStatus(): SyncStatus | null {
    return this.#state.sync?.client.status ?? null;
  }

  /**
   * Forces a sync round: connects if needed, sends the outbox, takes in what the server sent.
   * Resolves with the status once the outbox is empty; rejects with `offline` when the server
   * cannot be reached (or sync is paused).
   */
  sync(): Promise<SyncStatus> {
    this.#state.assertOpen();
    return this.#requireSync().sync();
  }

  /** Stops syncing (work offline on purpose): pushes still commit and wait in the outbox. */
  pauseSync(): void {
    this.#requireSync().pause();
  }

  /** Syncs again after {@link Database.pauseSync}. */
  resumeSync(): void {
    this.#requireSync().resume();
  }

  /** Sequence number of the last commit this database has taken in. */
  get seq(): number {
    return this.#state.seq;
  }

  /** The tables of the database with their schema. */
  tables(): readonly TableInfo[] {
    return [...this.#state.info.values()];
  }

  /** Names of the tables. */
  tableNames(): string[] {
    return this.#state.tableNames();
  }

  /**
   * A table as a tracked table, loaded from the worker (once: later calls return the same table).
   *
   * @example
   * ```ts
   * const users = await db.table('users', { onProgress: (p) => bar.set(p.done / (p.total ?? 1)) });
   * ```
   */
  async table(
    name: string,
    options: { onProgress?: ProgressCallback } = {},
  ): Promise<DatabaseTable> {
    const s = this.#state;
    s.assertOpen();
    checkOptions('table()', options, { onProgress: 'function' });
    const loaded = s.loaded.get(name);
    if (loaded && !wasDropped(loaded)) return loaded.table;
    return s.serially(async () => {
      const again = s.loaded.get(name);
      if (again && !wasDropped(again)) return again.table;
      // Another tab may have created it since we last looked.
      if (!s.info.has(name)) s.setInfo((await s.engine.state()).tables);
      const info = s.requireInfo(name);
      // Dropped and created again: the handle takes the new table in (see takeDrop).
      if (again) return again.table;
      const data = await s.engine.readTable(name, options.onProgress);
      const table = new DatabaseTable(this.#host, info, data);
      const seq = data.seq ?? s.seq;
      await s.drafts.restore(table, seq);
      s.loaded.set(name, { table, seq, queued: [], basis: seq });
      return table;
    });
  }

  /**
   * Creates a table from an Arquero table, CSV text, JSON or Arrow bytes, in one transaction, and
   * returns it loaded. Types are inferred unless given; text that looks numeric but has leading
   * zeros stays text.
   *
   * @example
   * ```ts
   * const t = await db.createTable('cities', { csv: 'id,zip\n1,04567' }, { primaryKey: 'id' });
   * ```
   */
  async createTable(
    name: string,
    source: TableSource,
    options: CreateTableOptions = {},
  ): Promise<DatabaseTable> {
    this.#state.assertOpen();
    checkCreateTableOptions(options);
    // SQLite's names differ only beyond ASCII case.
    const taken =
      typeof name === 'string'
        ? this.tableNames().find((t) => asciiLower(t) === asciiLower(name))
        : undefined;
    if (taken !== undefined) {
      throw new PandalchemyError(
        'name_taken',
        `Database '${this.name}' already has a table '${taken}': choose another name (one differing only in case is the same to SQLite), or drop that table first.`,
        { table: name },
      );
    }
    const { table, types } = sourceTable(
      source,
      typeof options.types === 'object' && options.types !== null ? options.types : {},
    );
    const onProgress = options.onProgress;
    // Checked and encoded in slices between which the page paints: see runInSlices.
    const steps = await runInSlices(createTableWork(name, table, options, types), (p) =>
      onProgress?.({ phase: 'prepare', done: p.done, total: p.total }),
    );
    await commitPlan(
      this.#state,
      { version: PLAN_VERSION, steps },
      [],
      onProgress ? { onProgress } : {},
    );
    return this.table(name, onProgress ? { onProgress } : {});
  }

  /** Drops a table. */
  async dropTable(name: string): Promise<void> {
    this.#state.assertOpen();
    this.#state.requireInfo(name);
    const plan: ExecutionPlan = {
      version: PLAN_VERSION,
      steps: [{ kind: 'dropTable', table: name }],
    };
    await commitPlan(this.#state, plan, []);
  }

  /**
   * Runs a read-only SQL query with bound parameters and returns an Arquero table.
   *
   * @example
   * ```ts
   * const big = await db.query('SELECT * FROM orders WHERE total > ?', [100]);
   * ```
   */
  async query(sql: string, params: readonly SqlValue[] = []): Promise<ColumnTable> {
    this.#state.assertOpen();
    const data = await this.#state.engine.query(sql, params);
    const columns: Record<string, unknown> = {};
    data.names.forEach((n, i) => (columns[n] = data.columns[i]));
    return aq.table(columns, [...data.names]);
  }

  /**
   * Pushes every loaded table with pending changes in ONE transaction: all or nothing, across
   * tables and schema changes.
   */
  push(options: PushOptions = {}): Promise<PushResult> {
    return pushTables(this.#state, this.#changedTables(), options);
  }

  /** Takes in other writers' commits for every loaded table (see `DatabaseTable.refresh`). */
  refresh(options: RefreshOptions = {}): Promise<readonly RebaseConflict[]> {
    const tables = [...this.#state.loaded.values()].map((l) => l.table);
    return refreshTables(this.#state, tables, options);
  }

  /** The plan a `push()` of every loaded table would run (nothing is run). */
  plan(options: Pick<PushOptions, 'conflict' | 'passes'> = {}): ExecutionPlan {
    return planOf(this.#changedTables(), options);
  }

  /**
   * Replaces the database with an SQLite file. A file that is not a valid SQLite database is
   * refused and nothing changes. Loaded tables are read again, their pending edits rebased as
   * `refresh()` rebases them (`policy`); returns the contested edits, and every edit of a table
   * the file does not have.
   */
  async import(
    bytes: Uint8Array | ArrayBuffer,
    options: { onProgress?: ProgressCallback } & RefreshOptions = {},
  ): Promise<readonly RebaseConflict[]> {
    this.#state.assertOpen();
    checkOptions('import()', options, { ...REFRESH_OPTIONS, onProgress: 'function' });
    return importDatabase(this.#state, fileBytes(bytes), options);
  }

  /** The database as an SQLite file. */
  async export(): Promise<Uint8Array> {
    this.#state.assertOpen();
    return this.#state.engine.exportDatabase();
  }

  /** Offers the database as a file download (in a page). */
  async download(filename = `${this.name}.sqlite`): Promise<void> {
    downloadFile(await this.export(), filename, 'application/vnd.sqlite3');
  }

  /** Writes a fresh snapshot to IndexedDB and drops the redo log it covers. */
  async checkpoint(options: { onProgress?: ProgressCallback } = {}): Promise<CheckpointResult> {
    this.#state.assertOpen();
    checkOptions('checkpoint()', options, { onProgress: 'function' });
    return this.#state.engine.checkpoint(options.onProgress);
  }

  /**
   * Calls `listener` after every commit: this database's pushes and other tabs' alike.
   * Returns a function that unsubscribes.
   */
  on(event: 'change', listener: ChangeListener): () => void;
  /** With `sync`: calls `listener` with the sync status each time it changes. */
  on(event: 'sync', listener: (status: SyncStatus) => void): () => void;
  /**
   * With `sync`: calls `listener` when the server refused a push: its edits are pending again,
   * the contested ones listed as `refresh()` lists them.
   */
  on(event: 'refused', listener: (refused: RefusedPush) => void): () => void;
  on(event: 'change' | 'sync' | 'refused', listener: (e: never) => void): () => void {
    // Each overload pairs its event with its listener's type.
    if (event === 'change') return this.#state.emitter.on(listener as ChangeListener);
    if (event === 'sync')
      return this.#requireSync().statusListeners.on(listener as (s: SyncStatus) => void);
    if (event === 'refused')
      return this.#requireSync().refusedListeners.on(listener as (r: RefusedPush) => void);
    throw new PandalchemyError(
      'invalid_argument',
      `Unknown event '${String(event)}': use 'change', 'sync' or 'refused'.`,
    );
  }

  /** Stops the worker. Pushes already resolved are durable; the database can no longer be used. */
  async close(): Promise<void> {
    const s = this.#state;
    if (s.closed) return;
    s.closed = true;
    s.emitter.clear();
    s.sync?.client.close();
    try {
      await s.drafts.close();
    } catch {
      // Unsaved edits of the last moments are lost; closing the database must still happen.
    }
    try {
      await s.engine.close();
    } finally {
      s.engine.terminate();
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The loaded tables with pending changes. */
  #changedTables(): DatabaseTable[] {
    return [...this.#state.loaded.values()].map((l) => l.table).filter((t) => t.hasChanges);
  }

  #requireSync(): SyncClient {
    if (this.#state.sync) return this.#state.sync.client;
    throw new PandalchemyError(
      'invalid_argument',
      `Database '${this.name}' does not sync: open it with openDatabase(name, { sync: { url, token } }).`,
    );
  }
}
