/**
 * Stable error codes. They never change meaning once released: applications switch on them.
 *
 * @example
 * ```ts
 * try { await db.push(); } catch (e) { if (isPandalchemyError(e) && e.code === 'conflict') reload(); }
 * ```
 */
export type ErrorCode =
  /** An argument has the wrong shape (not a value problem: a missing option, a bad callback...). */
  | 'invalid_argument'
  /** A column name that the table does not have. */
  | 'unknown_column'
  /** A table name that the database does not have. */
  | 'unknown_table'
  /** An index name that the table does not have. */
  | 'unknown_index'
  /** A key that no row of the table holds. */
  | 'row_not_found'
  /** Two rows would share one key. */
  | 'duplicate_key'
  /** A key column would hold NULL. */
  | 'null_key'
  /** A value cannot go into the column (wrong type, out of range, NaN...). */
  | 'invalid_value'
  /** NULL in a NOT NULL column. */
  | 'not_null'
  /** A column or table of that name exists already. */
  | 'name_taken'
  /** An identifier that cannot be used (empty, too long, reserved prefix). */
  | 'invalid_identifier'
  /** The edit would drop or retype a key column, or otherwise break row identity. */
  | 'key_column'
  /** A whole-table transform returned something that cannot be diffed (no key column, ...). */
  | 'invalid_transform'
  /** The table cannot change now (a push of it is in flight): wait for it. */
  | 'busy'
  /** Another writer changed rows this push updates or deletes. */
  | 'conflict'
  /** SQLite refused a write because of a constraint (UNIQUE, CHECK, FOREIGN KEY, NOT NULL). */
  | 'constraint'
  /** Any other SQLite error. */
  | 'sqlite'
  /** Any other PostgreSQL error, during `applyPlan` of `pandalchemy/postgres`. */
  | 'postgres'
  /** A plan that this version cannot run (unknown version or malformed). */
  | 'invalid_plan'
  /** A query that is not read-only, SQL that does not parse, or parameters that do not fit it. */
  | 'invalid_sql'
  /** Bytes that are not an SQLite database. */
  | 'not_sqlite'
  /** An SQLite database that fails its integrity check. */
  | 'corrupt'
  /**
   * What this build of SQLite cannot do: a file with a table of a module it lacks (rtree, fts5),
   * or a write to a virtual table (write the table it is built from instead).
   */
  | 'unsupported'
  /** IndexedDB failed (other than quota). */
  | 'storage'
  /** The browser refused to store more data. */
  | 'quota_exceeded'
  /** A saved draft of pending edits could not be restored (schema changed, corrupt): it was dropped. */
  | 'draft_invalid'
  /** The worker stopped while a call was pending. */
  | 'worker_died'
  /** The worker could not start: its script or SQLite's WebAssembly did not load. */
  | 'worker_load_failed'
  /** The database or table was closed. */
  | 'closed'
  /** A sync server refused a device's token (or it sent none). */
  | 'unauthorized'
  /** A sync server refused access to a table: it does not sync it, or the device may not. */
  | 'forbidden'
  /** A message or plan over a sync server's limits. */
  | 'too_large'
  /** A message that is not of the sync protocol (docs/sync-protocol.md). */
  | 'invalid_message'
  /** A sync round could not reach the sync server (the device is offline, or sync is paused). */
  | 'offline'
  /** An internal invariant broke: a bug in this library. */
  | 'internal';

/** Every code, for exhaustive checks and documentation. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_argument',
  'unknown_column',
  'unknown_table',
  'unknown_index',
  'row_not_found',
  'duplicate_key',
  'null_key',
  'invalid_value',
  'not_null',
  'name_taken',
  'invalid_identifier',
  'key_column',
  'invalid_transform',
  'busy',
  'conflict',
  'constraint',
  'sqlite',
  'postgres',
  'invalid_plan',
  'invalid_sql',
  'not_sqlite',
  'corrupt',
  'unsupported',
  'storage',
  'quota_exceeded',
  'draft_invalid',
  'worker_died',
  'worker_load_failed',
  'closed',
  'unauthorized',
  'forbidden',
  'too_large',
  'invalid_message',
  'offline',
  'internal',
];
