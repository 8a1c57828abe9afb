import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { buildPlan } from '../plan/build-plan';
import {
  PLAN_VERSION,
  type CreateTableStep,
  type ExecutionPlan,
  type TableBasis,
} from '../plan/execution-plan';
import { encodePlan } from '../plan/plan-json';
import type {
  CheckpointResult,
  EngineApi,
  EngineState,
  ProgressCallback,
  RemoteCommit,
} from '../protocol/engine-api';
import { freezeTableInfo } from '../schema/freeze-table-info';
import type { TableInfo } from '../schema/table-info';
import type { RebaseConflict, TableUpdate } from '../table/rebase';
import { SyncClient } from '../sync/sync-client';
import type { SyncHost } from '../sync/sync-host';
import type { RefusedPush, SyncOptions, SyncStatus } from '../sync/sync-options';
import type { SqlValue } from '../values/sql-value';
import { Drafts } from '../drafts/drafts';
import { ChangeEmitter, type ChangeListener } from './change-emitter';
import {
  createTableSteps,
  sourceTable,
  type CreateTableOptions,
  type TableSource,
} from './create-table-steps';
import { DatabaseTable, type RefreshOptions, type TableHost } from './database-table';
import type { PushOptions, PushResult } from './push-result';

/** The engine a database talks to: the worker API plus a way to stop it. */
export interface Engine extends EngineApi {
  /** Stops the engine; pending calls reject with `worker_died`. */
  terminate(): void;
}

/** What the database keeps of each loaded table. */
interface Loaded {
  readonly table: DatabaseTable;
  /** Commits applied to the table (its stored side reflects every commit up to this one). */
  seq: number;
  /** Commits not applied yet because the table has pending edits (applied by `refresh`). */
  queued: Queued[];
  /** While commits are queued: the commit its stored side is as of (the one before them). */
  basis: number;
}

/** A commit waiting for `refresh()`: its effect, or a reload when only a snapshot tells it. */
type Queued = Extract<TableUpdate, { kind: 'effect' }> | { readonly kind: 'reload' };

let pushCounter = 0;

function newPushId(): string {
  const c = globalThis.crypto;
  return typeof c?.randomUUID === 'function'
    ? c.randomUUID()
    : `push-${Date.now()}-${++pushCounter}`;
}

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
  readonly #engine: Engine;
  readonly #emitter = new ChangeEmitter();
  readonly #loaded = new Map<string, Loaded>();
  #info = new Map<string, TableInfo>();
  #seq: number;
  #closed = false;
  /** Serialises everything that moves tables to new commits, so commits apply in order. */
  #serial: Promise<unknown> = Promise.resolve();
  readonly #host: TableHost;
  /**
   * Pending edits saved in this browser as they are made and restored when the database is
   * opened again: status, events, `flush()`. See the README's "Drafts".
   */
  readonly drafts: Drafts;
  #syncClient: SyncClient | null = null;
  #syncTables: ReadonlySet<string> | null = null;

  /** @internal Use {@link openDatabase}. */
  constructor(
    name: string,
    engine: Engine,
    state: EngineState,
    options: { drafts?: boolean } = {},
  ) {
    this.name = name;
    this.#engine = engine;
    this.drafts = new Drafts(name, options.drafts ?? false, {
      tables: () =>
        [...this.#loaded.values()].map((l) => ({
          table: l.table,
          seq: l.queued.length ? l.basis : l.seq,
        })),
    });
    this.#seq = state.seq;
    this.#setInfo(state.tables);
    this.#host = {
      pushTables: (tables, options) => this.#push(tables, options),
      refreshTable: (table, options) => this.#refresh([table], options).then((c) => c),
      isStale: (table) => (this.#loaded.get(table.name)?.queued.length ?? 0) > 0,
    };
  }

  /** @internal Subscribes to the engine's notifications of other writers' commits. */
  async listen(): Promise<void> {
    await this.#engine.onRemoteCommit(() => {
      void this.#serially(() => this.#sync('remote')).catch(() => undefined);
    });
  }

  /** @internal Starts syncing with a server (see `openDatabase`'s `sync` option). */
  startSync(options: SyncOptions): void {
    this.#syncTables = options.tables ? new Set(options.tables) : null;
    this.#syncClient = new SyncClient(this.#syncHost(), options);
    this.#syncClient.start();
  }

  /** Where sync stands; null for a database opened without `sync`. */
  get syncStatus(): SyncStatus | null {
    return this.#syncClient?.status ?? null;
  }

  /**
   * Forces a sync round: connects if needed, sends the outbox, takes in what the server sent.
   * Resolves with the status once the outbox is empty; rejects with `offline` when the server
   * cannot be reached (or sync is paused).
   */
  sync(): Promise<SyncStatus> {
    this.#open();
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
    return this.#seq;
  }

  /** The tables of the database with their schema. */
  tables(): readonly TableInfo[] {
    return [...this.#info.values()];
  }

  /** Names of the tables. */
  tableNames(): string[] {
    return [...this.#info.keys()];
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
    this.#open();
    const loaded = this.#loaded.get(name);
    if (loaded) return loaded.table;
    return this.#serially(async () => {
      const again = this.#loaded.get(name);
      if (again) return again.table;
      // Another tab may have created it since we last looked.
      if (!this.#info.has(name)) this.#setInfo((await this.#engine.state()).tables);
      const info = this.#requireInfo(name);
      const data = await this.#engine.readTable(name, options.onProgress);
      const table = new DatabaseTable(this.#host, info, data);
      const seq = data.seq ?? this.#seq;
      await this.drafts.restore(table, seq);
      this.#loaded.set(name, { table, seq, queued: [], basis: seq });
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
    this.#open();
    if (this.#info.has(name)) {
      throw new PandalchemyError(
        'name_taken',
        `Database '${this.name}' already has a table '${name}': choose another name, or drop that table first.`,
        { table: name },
      );
    }
    const { table, types } = sourceTable(source);
    const steps = createTableSteps(name, table, options, types);
    await this.#apply(
      { version: PLAN_VERSION, steps },
      [],
      options.onProgress ? { onProgress: options.onProgress } : {},
    );
    return this.table(name);
  }

  /** Drops a table. */
  async dropTable(name: string): Promise<void> {
    this.#open();
    this.#requireInfo(name);
    await this.#apply({ version: PLAN_VERSION, steps: [{ kind: 'dropTable', table: name }] }, []);
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
    this.#open();
    const data = await this.#engine.query(sql, params);
    const columns: Record<string, unknown> = {};
    data.names.forEach((n, i) => (columns[n] = data.columns[i]));
    return aq.table(columns, [...data.names]);
  }

  /**
   * Pushes every loaded table with pending changes in ONE transaction: all or nothing, across
   * tables and schema changes.
   */
  push(options: PushOptions = {}): Promise<PushResult> {
    const tables = [...this.#loaded.values()].map((l) => l.table).filter((t) => t.hasChanges);
    return this.#push(tables, options);
  }

  /** Takes in other writers' commits for every loaded table (see `DatabaseTable.refresh`). */
  refresh(options: RefreshOptions = {}): Promise<readonly RebaseConflict[]> {
    return this.#refresh(
      [...this.#loaded.values()].map((l) => l.table),
      options,
    );
  }

  /** The plan a `push()` of every loaded table would run (nothing is run). */
  plan(options: Pick<PushOptions, 'conflict' | 'passes'> = {}): ExecutionPlan {
    const tables = [...this.#loaded.values()].map((l) => l.table).filter((t) => t.hasChanges);
    return buildPlan(
      tables.map((t) => t.diff()),
      {
        ...(options.passes ? { passes: options.passes } : {}),
        withoutGuards: options.conflict === 'overwrite',
      },
    );
  }

  /**
   * Replaces the database with an SQLite file. A file that is not a valid SQLite database is
   * refused and nothing changes. Loaded tables are reloaded (their pending edits rebased).
   */
  async import(
    bytes: Uint8Array | ArrayBuffer,
    options: { onProgress?: ProgressCallback } = {},
  ): Promise<void> {
    this.#open();
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    await this.#serially(async () => {
      const state = await this.#engine.importDatabase(data, options.onProgress);
      this.#setInfo(state.tables);
      this.#seq = state.seq;
      for (const [name, l] of this.#loaded) {
        if (!this.#info.has(name)) {
          this.#loaded.delete(name);
          continue;
        }
        l.queued = [];
        await this.#reload(l);
        l.seq = state.seq;
      }
      this.#emitter.emit({
        source: 'import',
        seq: state.seq,
        tables: this.tableNames(),
        stale: [],
      });
    });
  }

  /** The database as an SQLite file. */
  async export(): Promise<Uint8Array> {
    this.#open();
    return this.#engine.exportDatabase();
  }

  /** Offers the database as a file download (in a page). */
  async download(filename = `${this.name}.sqlite`): Promise<void> {
    const bytes = await this.export();
    const url = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Writes a fresh snapshot to IndexedDB and drops the redo log it covers. */
  async checkpoint(options: { onProgress?: ProgressCallback } = {}): Promise<CheckpointResult> {
    this.#open();
    return this.#engine.checkpoint(options.onProgress);
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
    if (event === 'change') return this.#emitter.on(listener as ChangeListener);
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
    if (this.#closed) return;
    this.#closed = true;
    this.#emitter.clear();
    this.#syncClient?.close();
    try {
      await this.drafts.close();
    } catch {
      // Unsaved edits of the last moments are lost; closing the database must still happen.
    }
    try {
      await this.#engine.close();
    } finally {
      this.#engine.terminate();
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  #open(): void {
    if (this.#closed) {
      throw new PandalchemyError(
        'closed',
        `Database '${this.name}' is closed: open it again with openDatabase().`,
      );
    }
  }

  #requireSync(): SyncClient {
    if (this.#syncClient) return this.#syncClient;
    throw new PandalchemyError(
      'invalid_argument',
      `Database '${this.name}' does not sync: open it with openDatabase(name, { sync: { url, token } }).`,
    );
  }

  /** What the sync client may do with this database. */
  #syncHost(): SyncHost {
    return {
      name: this.name,
      engine: this.#engine,
      commit: (run) =>
        this.#serially(async () => {
          const result = await run();
          if (!result) return false;
          if (result.seq === this.#seq + 1) {
            const commit = { seq: result.seq, effects: result.effects, tables: result.tables };
            await this.#takeCommit(commit, 'remote');
          } else {
            // A run of server commits: listeners see only its end, never a state in which this
            // device's later pushes are undone (a run ends with the commits of all of them).
            await this.#sync('remote', -1, true);
          }
          return true;
        }),
      createLocalTable: async (step: CreateTableStep) => {
        await this.#apply({ version: PLAN_VERSION, steps: [step] }, [], {}, null);
      },
      hasTable: (name) => this.#info.has(name),
      table: (name) => this.table(name),
      onChange: (listener) => this.#emitter.on(listener),
    };
  }

  /** What a push adds to the sync outbox: null for a database that does not sync, or tables it does not. */
  #outboxOf(plan: ExecutionPlan): { plan: string; tables: string[] } | null {
    if (!this.#syncClient) return null;
    const tables = [...new Set(plan.steps.map((s) => s.table))];
    if (this.#syncTables && !tables.some((t) => this.#syncTables!.has(t))) return null;
    return { plan: encodePlan(plan), tables };
  }

  #requireInfo(name: string): TableInfo {
    const info = this.#info.get(name);
    if (info) return info;
    throw new PandalchemyError(
      'unknown_table',
      `Database '${this.name}' has no table ${JSON.stringify(name)}; it has ${this.tableNames().join(', ') || 'no tables'}.`,
      { table: String(name) },
    );
  }

  #setInfo(tables: readonly TableInfo[]): void {
    this.#info = new Map(tables.map((t) => [t.name, freezeTableInfo(t)]));
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(fn, fn);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  async #push(tables: readonly DatabaseTable[], options: PushOptions = {}): Promise<PushResult> {
    this.#open();
    const start = performance.now();
    for (const t of tables) {
      if (this.#loaded.get(t.name)?.table !== t) {
        throw new PandalchemyError(
          'invalid_argument',
          `Table '${t.name}' does not belong to database '${this.name}'.`,
          {
            table: t.name,
          },
        );
      }
    }
    const changed = tables.filter((t) => t.hasChanges);
    if (!changed.length) {
      return {
        seq: this.#seq,
        tables: [],
        rowsWritten: 0,
        bytesPersisted: 0,
        applyMs: 0,
        persistMs: 0,
        totalMs: 0,
        conflicts: [],
      };
    }
    const built = buildPlan(
      changed.map((t) => t.diff()),
      {
        ...(options.passes ? { passes: options.passes } : {}),
        withoutGuards: options.conflict === 'overwrite',
      },
    );
    const plan: ExecutionPlan = { ...built, basis: this.#basis(changed) };
    const result = await this.#apply(plan, changed, options, this.#outboxOf(plan));
    return { ...result, totalMs: performance.now() - start };
  }

  /**
   * The commit each table's stored values are as of: the last one it took in, before any that
   * wait for `refresh()`. The engine then checks guards only on rows that commits since touched.
   * A table waiting for a reload (what changed is not known row by row) has none.
   */
  #basis(tables: readonly DatabaseTable[]): TableBasis[] {
    const out: TableBasis[] = [];
    for (const t of tables) {
      const l = this.#loaded.get(t.name);
      if (!l || l.queued.some((u) => u.kind === 'reload')) continue;
      out.push({ table: t.name, seq: l.queued.length ? l.basis : l.seq });
    }
    return out;
  }

  /**
   * Runs a plan and takes its commit in. `pushed` tables are locked meanwhile; on success their
   * pending edits are what was committed, so they are cleared before the commit is applied.
   */
  async #apply(
    plan: ExecutionPlan,
    pushed: readonly DatabaseTable[],
    options: PushOptions = {},
    outbox: { plan: string; tables: string[] } | null = null,
  ): Promise<Omit<PushResult, 'totalMs'>> {
    for (const t of pushed)
      t.lock('a push of this table is in flight; edit it when push() settles');
    try {
      return await this.#serially(async () => {
        const result = await this.#engine.apply(
          plan,
          {
            pushId: newPushId(),
            conflict: options.conflict ?? 'fail',
            ...(outbox ? { outbox } : {}),
          },
          options.onProgress,
        );
        if (outbox) this.#syncClient?.queued();
        for (const t of pushed) {
          t.lock(null);
          t.discard();
          this.drafts.pushed(t);
        }
        // Our commit directly follows the last one taken in: take it from the result, saving a
        // round trip to the worker and a read of the redo log. Otherwise catch up in order.
        let conflicts: RebaseConflict[] = [];
        if (result.seq === this.#seq + 1) {
          const commit = { seq: result.seq, effects: result.effects, tables: result.tables };
          await this.#takeCommit(commit, 'local');
        } else {
          conflicts = await this.#sync('local', result.seq);
        }
        return {
          seq: result.seq,
          tables: pushed.map((t) => t.name),
          rowsWritten: result.rowsWritten,
          bytesPersisted: result.bytesPersisted,
          applyMs: result.applyMs,
          persistMs: result.persistMs,
          conflicts,
        };
      });
    } finally {
      for (const t of pushed) t.lock(null);
    }
  }

  /**
   * Takes in every commit after the last one taken in, in order. Tables without pending edits
   * take them at once; the others queue them for `refresh()`. Returns conflicts of rebases made.
   */
  async #sync(
    source: 'local' | 'remote',
    localSeq = -1,
    oneEvent = false,
  ): Promise<RebaseConflict[]> {
    const since = await this.#engine.commitsSince(this.#seq);
    const conflicts: RebaseConflict[] = [];
    if (!since.complete) {
      const state = await this.#engine.state();
      this.#setInfo(state.tables);
      const stale: string[] = [];
      for (const l of this.#loaded.values()) {
        if (!this.#info.has(l.table.name)) {
          this.#loaded.delete(l.table.name);
          continue;
        }
        if (l.table.hasChanges) {
          // Pending edits wait for refresh(), which rebases them and reports what conflicts; a
          // table whose push is in flight must not move under it.
          l.queued = [{ kind: 'reload' }];
          stale.push(l.table.name);
        } else {
          l.queued = [];
          conflicts.push(...(await this.#reload(l)));
        }
        l.seq = state.seq;
      }
      this.#seq = state.seq;
      this.#emitter.emit({ source, seq: state.seq, tables: [...this.#loaded.keys()], stale });
      return conflicts;
    }
    if (oneEvent && since.commits.length) {
      const touched = new Set<string>();
      for (const commit of since.commits) {
        this.#setInfo(commit.tables);
        for (const t of await this.#take(commit)) touched.add(t);
        this.#seq = commit.seq;
      }
      this.#emitChange(source, [...touched]);
      return conflicts;
    }
    for (const commit of since.commits)
      await this.#takeCommit(commit, commit.seq === localSeq ? 'local' : 'remote');
    return conflicts;
  }

  /** Takes in the commit after the last one taken in, and tells the listeners. */
  async #takeCommit(commit: RemoteCommit, source: 'local' | 'remote'): Promise<void> {
    this.#setInfo(commit.tables);
    const touched = await this.#take(commit);
    this.#seq = commit.seq;
    this.#emitChange(source, touched);
  }

  /** Tells the listeners that commits up to `#seq` were taken in. */
  #emitChange(source: 'local' | 'remote', tables: string[]): void {
    const stale = [...this.#loaded.values()]
      .filter((l) => l.queued.length)
      .map((l) => l.table.name);
    this.#emitter.emit({ source, seq: this.#seq, tables, stale });
  }

  /** Applies (or queues) one commit to the loaded tables; returns the tables it touched. */
  async #take(commit: RemoteCommit): Promise<string[]> {
    const touched: string[] = [];
    for (const effect of commit.effects) {
      touched.push(effect.table);
      const l = this.#loaded.get(effect.table);
      if (!l || l.seq >= commit.seq) continue;
      if (effect.dropped) {
        this.#loaded.delete(effect.table);
        continue;
      }
      const info = this.#info.get(effect.table);
      if (!info) continue;
      const update: Queued = { kind: 'effect', effect, info };
      if (l.table.hasChanges) {
        if (!l.queued.length) l.basis = l.seq;
        l.queued.push(update);
        l.seq = commit.seq;
        continue;
      }
      const queued = [...l.queued, update];
      if (needsReload(l.table, queued)) await this.#reload(l);
      else for (const u of effectsOf(queued)) l.table.applyUpdate(u);
      l.queued = [];
      l.seq = commit.seq;
    }
    return touched;
  }

  async #refresh(
    tables: readonly DatabaseTable[],
    options: RefreshOptions = {},
  ): Promise<readonly RebaseConflict[]> {
    this.#open();
    const policy: unknown = options?.policy;
    if (policy !== undefined && policy !== 'keepRemote' && policy !== 'keepLocal') {
      throw new PandalchemyError(
        'invalid_argument',
        `refresh() takes { policy: 'keepRemote' } (drop contested edits, the default) or { policy: 'keepLocal' } (keep them); got ${JSON.stringify(policy) ?? String(policy)}.`,
      );
    }
    return this.#serially(async () => {
      await this.#sync('remote');
      const conflicts: RebaseConflict[] = [];
      for (const t of tables) {
        const l = this.#loaded.get(t.name);
        if (!l || !l.queued.length) continue;
        // The queue is emptied only once the rebase is done: a failed one leaves the table stale.
        if (needsReload(t, l.queued)) {
          conflicts.push(...(await this.#reload(l, options)));
        } else {
          for (const u of effectsOf(l.queued)) conflicts.push(...t.applyUpdate(u, options.policy));
        }
        l.queued = [];
      }
      return conflicts;
    });
  }

  /** Reloads a table from the worker, rebasing its pending edits. */
  async #reload(l: Loaded, options: RefreshOptions = {}): Promise<RebaseConflict[]> {
    const info = this.#requireInfo(l.table.name);
    const data = await this.#engine.readTable(l.table.name);
    return l.table.applyUpdate({ kind: 'reload', info, data }, options.policy);
  }
}

/** Whether the queued commits can only be taken in by reading the table again. */
function needsReload(table: DatabaseTable, queued: readonly Queued[]): boolean {
  return queued.some(
    (u) => u.kind === 'reload' || u.effect.reload || !sameSchema(table.info, u.info),
  );
}

function effectsOf(queued: readonly Queued[]): Extract<TableUpdate, { kind: 'effect' }>[] {
  return queued.filter((u): u is Extract<TableUpdate, { kind: 'effect' }> => u.kind === 'effect');
}

function sameSchema(a: TableInfo, b: TableInfo): boolean {
  const cols = (i: TableInfo) => i.columns.map((c) => `${c.name}:${c.declaredType}`).join(',');
  return cols(a) === cols(b) && a.key.columns.join(',') === b.key.columns.join(',');
}
