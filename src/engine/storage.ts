import type {
  OutboxState,
  OutboxWrite,
  ProgressCallback,
  RedoRecord,
} from '../protocol/engine-api';

/** What is persisted of a database: the latest snapshot and the redo log after it. */
export interface StoredState {
  /** The SQLite file of the latest snapshot, or null when none was ever written. */
  readonly snapshot: Uint8Array | null;
  /** Sequence number the snapshot reflects (0 when none). */
  readonly snapshotSeq: number;
  /** Redo records after the snapshot, oldest first. */
  readonly records: readonly RedoRecord[];
  /** Ids of recent pushes covered by the snapshot (for `hasCommitted` after a checkpoint). */
  readonly pushIds: readonly string[];
}

/**
 * Durable storage of one database. Every method is atomic: it happens completely or not at all,
 * whatever happens to the page meanwhile.
 */
export interface Storage {
  load(onProgress?: ProgressCallback): Promise<StoredState>;
  /** Redo records after `seq`, and the snapshot's sequence number (records up to it are gone). */
  readLog(afterSeq: number): Promise<LogAfter>;
  /**
   * Appends records (consecutive, oldest first), and makes `outbox`'s changes in the same
   * transaction; rejects with a typed error, appending none, when a record's seq is taken or
   * storage fails.
   */
  append(records: readonly RedoRecord[], outbox?: OutboxWrite): Promise<void>;
  /**
   * {@link Storage.readLog} and {@link Storage.append} in ONE transaction, no other writer in
   * between: reads the log after `afterSeq`, hands it to `write`, which runs synchronously while
   * the transaction is open (a push takes the log in, then applies its plan), and appends what
   * `write` returns (nothing for null), resolving once that is stored. One transaction instead of
   * two is what a small push's time went to. When `write` throws, the transaction is aborted and
   * its error rethrown as it is; `withOutbox` says whether `write` may return outbox changes.
   */
  appendAfter(
    afterSeq: number,
    write: (log: LogAfter) => Appended | null,
    withOutbox: boolean,
  ): Promise<void>;
  /** The sync outbox (storages that keep none have no such method: sync needs one that does). */
  readOutbox?(): Promise<OutboxState>;
  /**
   * Stores a snapshot's bytes where no reader looks yet, without holding up appends meanwhile (a
   * checkpoint writes a big file while later pushes go on). Nothing changes for readers until
   * {@link Storage.commitSnapshot}; staged bytes never committed are dropped by a later snapshot.
   */
  stageSnapshot(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<StagedSnapshot>;
  /**
   * Makes a staged snapshot the current one and drops every record up to `seq`, atomically.
   * Resolves to null, changing nothing, when the stored snapshot is already as new or newer, or
   * when another writer's snapshot dropped the staged bytes meanwhile.
   */
  commitSnapshot(
    staged: StagedSnapshot,
    seq: number,
    pushIds: readonly string[],
  ): Promise<{ bytesWritten: number; recordsDropped: number } | null>;
  /** Replaces the snapshot and drops every record up to `seq`; returns the records dropped. */
  writeSnapshot(
    bytes: Uint8Array,
    seq: number,
    pushIds: readonly string[],
    onProgress?: ProgressCallback,
  ): Promise<{ bytesWritten: number; recordsDropped: number }>;
  close(): void;
}

/** The redo records after a commit, and the snapshot's sequence number (records up to it are gone). */
export interface LogAfter {
  readonly snapshotSeq: number;
  readonly records: readonly RedoRecord[];
}

/** What {@link Storage.appendAfter} appends: records (consecutive, oldest first), an outbox change. */
export interface Appended {
  readonly records: readonly RedoRecord[];
  readonly outbox?: OutboxWrite | undefined;
}

/** A snapshot written by {@link Storage.stageSnapshot}, not yet the current one. */
export interface StagedSnapshot {
  /** Which stored bytes: unique to this staging. */
  readonly id: number;
  readonly bytes: number;
}

/**
 * How engines on the same database in other tabs and workers are kept in step: one writer at a
 * time, and a word to the others after each commit.
 */
export interface Coordinator {
  withWriteLock<T>(fn: () => Promise<T>): Promise<T>;
  announce(seq: number): void;
  onAnnounce(callback: (seq: number) => void): void;
  close(): void;
}

/** The coordinator of a database nobody else can open (in memory, or in Node). */
export const soleCoordinator: Coordinator = {
  withWriteLock: (fn) => fn(),
  announce: () => undefined,
  onAnnounce: () => undefined,
  close: () => undefined,
};
