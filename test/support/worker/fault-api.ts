/**
 * Faults the test worker (`fault-worker.ts`) injects into the engine's parts: its sql.js database
 * and its storage. Types only: both the worker and the tests import them.
 *
 * - `statement`: the `index`-th statement (1-based) a transaction runs after BEGIN throws, as
 *   sql.js throws when SQLite fails, instead of running.
 * - `commit`: COMMIT throws instead of committing.
 * - `append`: storage fails (`fail`, with the error `code`) or never answers (`hang`) when the
 *   redo record is appended.
 * - `checkpoint`: the same once a checkpoint's file is written, before it becomes the snapshot
 *   (mid-checkpoint: later pushes go on meanwhile).
 * - `afterAppend` / `afterCheckpoint`: storage wrote the record / made the snapshot current, then
 *   never answers.
 */
export type Fault =
  | { readonly point: 'statement'; readonly index: number }
  | { readonly point: 'commit' }
  | {
      readonly point: 'append' | 'checkpoint';
      readonly action: 'fail';
      readonly code: 'storage' | 'quota_exceeded';
    }
  | {
      readonly point: 'append' | 'afterAppend' | 'checkpoint' | 'afterCheckpoint';
      readonly action: 'hang';
    };

/** A readwrite IndexedDB transaction the worker opened: its stores and its durability. */
export interface IdbWrite {
  readonly stores: readonly string[];
  readonly durability: IDBTransactionDurability;
}

/** What the test worker exposes besides the engine's own API. */
export interface FaultApi {
  /** Arms one fault (it fires once); null disarms. */
  setFault(fault: Fault | null): Promise<void>;
  /** Whether the armed fault fired. Answers at once, even while a call hangs. */
  faultHit(): Promise<boolean>;
  /** The statements of the last transaction, BEGIN and COMMIT (or ROLLBACK) excluded. */
  lastTransaction(): Promise<readonly string[]>;
  /** The readwrite IndexedDB transactions opened since the last call, oldest first. */
  idbWrites(): Promise<readonly IdbWrite[]>;
  /** Everything `name` holds in IndexedDB (snapshot and redo log replayed), as dump text. */
  stored(name: string): Promise<string>;
  /** Ends the worker from inside, as a crash would: no event reaches the page. */
  crash(): Promise<void>;
}
