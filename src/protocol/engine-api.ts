import type { SerializedError } from '../errors/pandalchemy-error';
import type { ColumnValues, ExecutionPlan } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import type { CellValue, SqlValue } from '../values/sql-value';

/**
 * The protocol between the main thread and the engine worker: types only. Both sides import it;
 * nothing else crosses the boundary. Method names avoid `then` and `bind`, which Comlink treats
 * specially.
 */

/**
 * Progress of long work. `total` is null when unknown. `prepare` is checking and encoding a new
 * table's rows on the main thread, before they go to the worker.
 */
export interface Progress {
  readonly phase:
    'load' | 'read' | 'import' | 'prepare' | 'push' | 'persist' | 'checkpoint' | 'replay';
  readonly done: number;
  readonly total: number | null;
}

/** A callback that receives progress. Across the worker boundary it is a Comlink proxy. */
export type ProgressCallback = (progress: Progress) => void;

/**
 * What an IndexedDB commit waits for before it reports success: `strict` until the browser has
 * flushed the data to disk, `relaxed` until the data reached the operating system (Chromium's
 * default for transactions that ask for nothing: a power loss right after may undo it).
 */
export type Durability = 'strict' | 'relaxed';

/** How to open a database. */
export interface EngineOpenOptions {
  /** The database name: the IndexedDB database is `pandalchemy:<name>`. */
  readonly name: string;
  /** False keeps everything in memory only (nothing read from or written to IndexedDB). */
  readonly persist: boolean;
  /** Enforce foreign keys (PRAGMA foreign_keys). Default true. */
  readonly foreignKeys?: boolean;
  /**
   * Checkpoint automatically once the redo log holds this many bytes (default 8 MiB), or more
   * records than a reopen should replay (see `checkpointDue`), whichever comes first.
   */
  readonly checkpointBytes?: number;
  /** How redo-log appends and snapshot writes are committed to IndexedDB (default `strict`). */
  readonly durability?: Durability;
}

/** What the engine knows after opening. */
export interface EngineState {
  /** Sequence number of the last commit applied (0 for a new database). */
  readonly seq: number;
  readonly tables: readonly TableInfo[];
}

/**
 * Table data in columnar form, decoded (booleans, dates) and ready for Arquero: a Float64Array for
 * a column whose values are all non-null numbers, else an array.
 */
export interface ColumnarData {
  /** Sequence number of the commit the data reflects (set by `readTable`). */
  readonly seq?: number;
  readonly names: readonly string[];
  readonly columns: readonly (readonly CellValue[] | Float64Array)[];
  readonly length: number;
}

/** Options of a push. */
export interface ApplyOptions {
  /** Unique id of this push, recorded with it so a retry after a crash can tell it landed. */
  readonly pushId: string;
  /** `fail` (default) refuses the push when guards do not hold; `overwrite` skips guards. */
  readonly conflict?: 'fail' | 'overwrite';
  /**
   * Sync: the push also joins the outbox (its plan as `encodePlan` text), in the same storage
   * transaction as its redo record. Needs a persisted database.
   */
  readonly outbox?: { readonly plan: string; readonly tables: readonly string[] };
}

/** A local push waiting for a sync server's final answer (docs/sync-protocol.md). */
export interface OutboxEntry {
  /** The push id, sent to the server as the push's id. */
  readonly id: string;
  /** Its local commit. */
  readonly seq: number;
  /** The plan as `encodePlan` text: a retry sends exactly these bytes. */
  readonly plan: string;
  /** The tables it writes. */
  readonly tables: readonly string[];
}

/** What a commit does to the sync state, in the same storage transaction as its redo record. */
export interface OutboxWrite {
  /** A local push that joins the outbox. */
  readonly add?: OutboxEntry;
  /** Ids of entries answered for good (accepted and taken in, or refused and undone). */
  readonly settle?: readonly string[];
  /** The last server commit taken in, once this commit is. */
  readonly serverSeq?: number;
  /** The synced tables whose every server commit up to `serverSeq` is taken in (replaces it). */
  readonly followed?: readonly string[];
  /**
   * The ids the outbox must hold for the commit to happen (checked under the write lock): a local
   * push made since the caller looked must not be overwritten by an older server state.
   */
  readonly expect?: readonly string[];
}

/** A server commit taken in by {@link EngineApi.takeEffects}. */
export interface TakenCommit {
  /** The local commit's push id (`sync:<server seq>`). */
  readonly pushId: string;
  readonly effects: readonly TableEffect[];
}

/** The sync state as stored: the outbox, oldest first, and the last server commit taken in. */
export interface OutboxState {
  readonly entries: readonly OutboxEntry[];
  readonly serverSeq: number | null;
  /**
   * The synced tables loaded and followed since: every server commit of theirs up to `serverSeq`
   * is in them. A table out of it (never loaded, or not readable when commits were taken in) is
   * loaded. Null when never written (a device synced before it was kept).
   */
  readonly followed: readonly string[] | null;
}

/** Rows of a table as a sync server holds them (stored form), to replace the local rows with. */
export interface ReplacementRows {
  readonly table: string;
  readonly columns: readonly string[];
  /** Values per column. */
  readonly values: readonly ColumnValues[];
}

/**
 * The rows of one table that a commit changed, as the database decided them (defaults,
 * auto-assigned keys, trigger effects included). The same record serves the pushing tab (to refresh
 * its tables), other tabs (to rebase theirs) and replay (the redo log stores it).
 */
export interface TableEffect {
  /** The table's name after the commit. */
  readonly table: string;
  /**
   * True when readers cannot update their copy row by row (the table was rebuilt, created or
   * dropped, or a trigger deleted rows whose keys are unknown): they must reload the whole table.
   * Replay still applies the rows below.
   */
  readonly reload: boolean;
  /** True when the table no longer exists after the commit. */
  readonly dropped: boolean;
  /** Key column names (for a table without a declared key: the exposed rowid name). */
  readonly key: readonly string[];
  /** Rows that no longer exist. */
  readonly deleted: {
    /** Their rowids; null for WITHOUT ROWID tables. */
    readonly rowids: ColumnValues | null;
    /** Their keys (stored form), one array per key column. */
    readonly keys: readonly ColumnValues[];
  };
  /** Final images of rows inserted or updated. */
  readonly upserts: {
    /** Their rowids; null for WITHOUT ROWID tables. */
    readonly rowids: ColumnValues | null;
    /** Every column of the table, key columns included, in table order. */
    readonly columns: readonly string[];
    /** Values per column (stored form). */
    readonly values: readonly ColumnValues[];
    /**
     * Key of each row before the commit, one array per key column: equal to its final key when
     * the key did not change, and for new rows.
     */
    readonly priorKeys: readonly ColumnValues[];
  };
  /**
   * Rows updated in place of which only the columns given changed: their other columns, key
   * included, are as before the commit. Only for rowid tables (not WITHOUT ROWID). No row here is
   * among `deleted` or `upserts`. Readers apply them in order, after `deleted` and `upserts`.
   * Absent in records written before patches existed.
   */
  readonly patches?: readonly RowPatch[];
}

/** Some columns of some rows, as a commit left them (see {@link TableEffect.patches}). */
export interface RowPatch {
  /** The rows' rowids (and so their keys, unless `keys` is given). */
  readonly rowids: ColumnValues;
  /**
   * The rows' keys (stored form), one array per key column, for a table whose key is not its
   * rowid: readers that find rows by key use these. Absent: the rowids are the keys (and in
   * records written before keyed patches existed).
   */
  readonly keys?: readonly ColumnValues[];
  /** The columns changed, none of them a key column. */
  readonly columns: readonly string[];
  /** Values per column (stored form). */
  readonly values: readonly ColumnValues[];
}

/**
 * One committed push as stored in the redo log: deterministic, so that replaying it on the state
 * before reproduces the state after, whatever defaults, triggers or random() did.
 */
export interface RedoRecord {
  readonly seq: number;
  readonly pushId: string;
  /** Schema statements as executed, in order (no parameters: DDL takes none). */
  readonly ddl: readonly string[];
  readonly effects: readonly TableEffect[];
  /** The contents of sqlite_sequence after the commit, when it changed. */
  readonly sequences: readonly (readonly [string, number | bigint])[] | null;
  /** Milliseconds since the epoch when it committed. */
  readonly committedAt: number;
}

/** What a committed push reports. */
export interface ApplyResult {
  readonly seq: number;
  readonly effects: readonly TableEffect[];
  /** Rows written by the plan's data steps. */
  readonly rowsWritten: number;
  /** Bytes appended to IndexedDB for this push (0 when not persisted). */
  readonly bytesPersisted: number;
  /** Milliseconds spent in SQLite and in IndexedDB. */
  readonly applyMs: number;
  readonly persistMs: number;
  /** The schema of every table after the push. */
  readonly tables: readonly TableInfo[];
}

/** A commit made by another engine on the same database (another tab or worker). */
export interface RemoteCommit {
  readonly seq: number;
  readonly effects: readonly TableEffect[];
  readonly tables: readonly TableInfo[];
}

/**
 * Commits after a sequence number, oldest first, as the engine applied them (its own and those of
 * other engines). `complete` is false when some were checkpointed away: the reader must reload.
 */
export interface CommitsSince {
  readonly seq: number;
  readonly commits: readonly RemoteCommit[];
  readonly complete: boolean;
  /**
   * The tables commits after the one asked about dropped (created again since or not), also where
   * the commits are no longer kept; null where the engine cannot tell (an import or a snapshot
   * since). Absent from engines before it.
   */
  readonly dropped?: readonly string[] | null;
}

/** What a checkpoint did. */
export interface CheckpointResult {
  readonly seq: number;
  readonly bytesWritten: number;
  readonly recordsDropped: number;
  readonly ms: number;
}

/** The engine's API. Errors reject with a {@link SerializedError} across the worker boundary. */
export interface EngineApi {
  open(options: EngineOpenOptions, onProgress?: ProgressCallback): Promise<EngineState>;
  state(): Promise<EngineState>;
  /**
   * A whole table. With `onChunk` the rows arrive there in order, in chunks, as they are read (the
   * worker waits until every chunk was taken in before it answers), and the answer holds only the
   * names and the length.
   */
  readTable(
    table: string,
    onProgress?: ProgressCallback,
    onChunk?: (chunk: ColumnarData) => void | Promise<void>,
  ): Promise<ColumnarData>;
  /** Rows by key (stored form, one array per key column), in the order given; missing rows are skipped. */
  readRows(table: string, keys: readonly ColumnValues[]): Promise<ColumnarData>;
  /** Runs a read-only query with bound parameters. */
  query(sql: string, params?: readonly SqlValue[]): Promise<ColumnarData>;
  apply(
    plan: ExecutionPlan,
    options: ApplyOptions,
    onProgress?: ProgressCallback,
  ): Promise<ApplyResult>;
  /** Whether a push with this id has committed (for retries after a crash). */
  hasCommitted(pushId: string): Promise<boolean>;
  importDatabase(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<EngineState>;
  exportDatabase(): Promise<Uint8Array>;
  checkpoint(onProgress?: ProgressCallback): Promise<CheckpointResult>;
  /** Commits with a sequence number above `seq` (see {@link CommitsSince}). */
  commitsSince(seq: number): Promise<CommitsSince>;
  /**
   * Sync: commits the effects a sync server decided, each commit as a local commit whose redo
   * record they are (replayed, nothing decided again), all with `outbox`'s changes in one storage
   * transaction. Null, doing nothing, when the outbox does not hold exactly `outbox.expect`.
   */
  takeEffects(commits: readonly TakenCommit[], outbox: OutboxWrite): Promise<ApplyResult | null>;
  /**
   * Sync: replaces every row of some tables with the rows given, as one local commit (effects with
   * `reload: true`), with `outbox`'s changes in the same storage transaction.
   */
  replaceRows(
    pushId: string,
    tables: readonly ReplacementRows[],
    outbox: OutboxWrite,
  ): Promise<ApplyResult | null>;
  /** Sync: the outbox and the last server commit taken in, as stored. */
  outbox(): Promise<OutboxState>;
  /** Registers a callback for commits made elsewhere; the engine catches up before calling it. */
  onRemoteCommit(callback: (commit: RemoteCommit) => void): Promise<void>;
  close(): Promise<void>;
}

/** What the engine worker exposes through Comlink: the engine, and a sign of life. */
export interface WorkerApi extends EngineApi {
  /**
   * Takes the Web Lock `name` and holds it for as long as the worker lives; resolves once it is
   * held. The page then waits for the same lock: it is granted when the worker is gone, however
   * it went (terminated by the app, crashed, closed itself), which no event reports.
   */
  holdLifeline(name: string): Promise<void>;
}

/** How an error travels from the worker. */
export type WireError = SerializedError;
