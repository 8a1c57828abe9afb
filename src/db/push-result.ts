import type { PlanPass } from '../plan/execution-plan';
import type { ProgressCallback } from '../protocol/engine-api';
import type { RebaseConflict } from '../table/rebase';

/** Options of a push. */
export interface PushOptions {
  /**
   * `fail` (default): refuse the whole push if another writer changed a row it updates or deletes
   * (a `ConflictError` names them). `overwrite`: write over other writers' values anyway. A row
   * it updates that another writer deleted, and an insert of a key another writer took, are
   * still conflicts (there is no row of yours to overwrite): `refresh()` reports the first, and
   * `refresh({ policy: 'keepLocal' })` makes the second an update of their row.
   */
  readonly conflict?: 'fail' | 'overwrite';
  /** Plan passes run on the built plan. */
  readonly passes?: readonly PlanPass[];
  readonly onProgress?: ProgressCallback;
}

/** What a push did. */
export interface PushResult {
  /** Sequence number of the commit (unchanged when there was nothing to push). */
  readonly seq: number;
  /** Tables whose pending changes were pushed. */
  readonly tables: readonly string[];
  /**
   * Rows the push's data steps name: each insert, update and delete once, whatever triggers and
   * cascades wrote besides. Under `conflict: 'overwrite'` a delete of a row another writer had
   * already deleted counts too.
   */
  readonly rowsWritten: number;
  /** Bytes appended to IndexedDB. */
  readonly bytesPersisted: number;
  /** Milliseconds in SQLite, in IndexedDB, and end to end (plan, apply, persist, refresh). */
  readonly applyMs: number;
  readonly persistMs: number;
  readonly totalMs: number;
  /**
   * Always empty: a push does not rebase other loaded tables. One with pending edits that this
   * commit changed (a trigger, a cascade) is `stale` until its `refresh()`, which rebases the
   * edits and returns what is contested.
   */
  readonly conflicts: readonly RebaseConflict[];
}
