import { engineClient } from '../client/engine-client';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { Durability, ProgressCallback } from '../protocol/engine-api';
import type { SyncOptions } from '../sync/sync-options';
import { Database } from './database';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * The worker to run the engine in, for apps that start it themselves: a module worker running
   * `pandalchemy/worker` (the package's `dist/pandalchemy-worker.js`, which loads `sql-wasm.wasm`
   * from beside itself). By default the library starts its own. Terminating it ends the database:
   * every pending and later call rejects with `worker_died`.
   */
  readonly worker?: Worker;
  /** False keeps the database in memory only: nothing is read from or saved to IndexedDB. */
  readonly persist?: boolean;
  /** Enforce foreign keys (default true). */
  readonly foreignKeys?: boolean;
  /**
   * Fold the redo log into a fresh snapshot once it holds this many bytes (default 8 MiB). It is
   * folded too once it holds more records than reopening should replay: one per 64 KiB of
   * snapshot, at least 100.
   */
  readonly checkpointBytes?: number;
  /**
   * What "durable when `push()` resolves" means (default `'strict'`). With `'strict'` every redo-log
   * append and snapshot write is an IndexedDB transaction that commits only once the browser has
   * flushed it to disk: a resolved push survives a crash of the tab, the browser or the machine
   * (as far as the disk keeps what it acknowledged). `'relaxed'` lets the browser report the commit
   * once the data reached the operating system: faster per push (no flush), and a resolved push
   * still survives a crash of the tab or the browser, but a power loss or OS crash just after may
   * lose the last pushes (never part of one: the database reopens as of an earlier push).
   */
  readonly durability?: Durability;
  /**
   * How long the worker may take to answer at all, in milliseconds (default 20,000). A worker that
   * is not pandalchemy's, or that was terminated before it ran, never answers: `openDatabase` then
   * rejects with `worker_load_failed` instead of waiting for ever.
   */
  readonly startTimeoutMs?: number;
  /**
   * Save every table's pending edits (with their undo and redo history) in this browser as they
   * are made, and restore them when the database is opened again (default true with `persist`).
   * False saves nothing. See `db.drafts`.
   */
  readonly drafts?: boolean;
  /** Progress of loading the snapshot and replaying the log. */
  readonly onProgress?: ProgressCallback;
  /**
   * Share the database with other devices through a sync server (`pandalchemy/server`): pushes
   * commit here at once and wait in an outbox until the server takes them; other devices'
   * commits come in as other tabs' do. See the README's "Sync" section.
   */
  readonly sync?: SyncOptions;
}

/**
 * Opens a database by name: the latest snapshot and redo log from IndexedDB, or a new empty
 * database. Every tab that opens the same name shares it safely.
 *
 * @example
 * ```ts
 * const db = await openDatabase('shop');
 * const orders = await db.table('orders');
 * orders.set(42, 'status', 'sent');
 * await db.push();
 * ```
 */
export async function openDatabase(
  name: string,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  if (typeof name !== 'string' || name === '') {
    throw new PandalchemyError(
      'invalid_argument',
      'openDatabase() needs a name: pass a non-empty string such as "shop".',
    );
  }
  const timeout = options.startTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new PandalchemyError(
      'invalid_argument',
      `openDatabase()'s startTimeoutMs is ${String(timeout)}: pass a number of milliseconds above 0, such as 60000.`,
    );
  }
  const durability = options.durability;
  if (durability !== undefined && durability !== 'strict' && durability !== 'relaxed') {
    throw new PandalchemyError(
      'invalid_argument',
      `openDatabase()'s durability is ${JSON.stringify(durability) ?? String(durability)}: pass 'strict' (the default) or 'relaxed'.`,
    );
  }
  const sync = options.sync;
  if (sync !== undefined) checkSyncOptions(sync, options.persist ?? true);
  const engine = engineClient(options.worker, timeout);
  try {
    const state = await engine.open(
      {
        name,
        persist: options.persist ?? true,
        ...(options.foreignKeys !== undefined ? { foreignKeys: options.foreignKeys } : {}),
        ...(options.checkpointBytes !== undefined
          ? { checkpointBytes: options.checkpointBytes }
          : {}),
        ...(durability !== undefined ? { durability } : {}),
      },
      options.onProgress,
    );
    const persist = options.persist ?? true;
    const db = new Database(name, engine, state, { drafts: persist && options.drafts !== false });
    await db.listen();
    if (sync) db.startSync(sync);
    return db;
  } catch (e) {
    engine.terminate();
    throw e;
  }
}

function checkSyncOptions(sync: SyncOptions, persist: boolean): void {
  const bad = (what: string): never => {
    throw new PandalchemyError('invalid_argument', `openDatabase()'s sync option: ${what}.`);
  };
  if (typeof sync !== 'object' || sync === null) bad('pass { url, token }');
  if (typeof sync.url !== 'string' || !/^wss?:\/\//.test(sync.url))
    bad('url must be the server\'s WebSocket URL, such as "wss://example.org/sync"');
  if (typeof sync.token !== 'string' || sync.token === '') bad('token must be a non-empty string');
  if (
    sync.tables !== undefined &&
    !(Array.isArray(sync.tables) && sync.tables.every((t) => typeof t === 'string'))
  )
    bad('tables must be a list of table names');
  if (!persist)
    bad('a database that syncs keeps its outbox in IndexedDB: do not pass persist: false');
}
