/**
 * What the peer worker running the official SQLite WASM build (`sqlite-wasm-worker.ts`) offers.
 * Types only: the worker and the peer's page side both import them.
 */
export interface SqliteWasmApi {
  /** Loads SQLite and installs the `opfs-sahpool` VFS (what a fresh worker does first). */
  init(): Promise<void>;
  /** Stores `bytes` as database file `file` in the pool (`importDb`). */
  importFile(file: string, bytes: Uint8Array): Promise<void>;
  /** Opens `file` from the pool with `synchronous=FULL`: every commit flushed to disk. */
  open(file: string): Promise<void>;
  /**
   * `SELECT *` of the bench table into one array per column (numbers as Float64Arrays), sent to
   * the page with the typed arrays transferred.
   */
  readAll(): Promise<{ names: string[]; columns: (Float64Array | unknown[])[]; length: number }>;
  /**
   * `n` UPDATEs by key in one transaction (one prepared statement, rows `ids`, new qty values
   * from `first` on). `commit`: COMMIT at the end (a durable save); otherwise the transaction
   * stays open until `rollback()`.
   */
  update(ids: readonly number[], first: number, commit: boolean): Promise<void>;
  /** One UPDATE in its own (autocommit) transaction: a durable save of one edit. */
  updateOne(id: number, value: number): Promise<void>;
  rollback(): Promise<void>;
  /** Closes the database and releases the pool's file handles, so another worker can take them. */
  close(): Promise<void>;
  /** Removes `file` from the pool. */
  remove(file: string): Promise<void>;
}
