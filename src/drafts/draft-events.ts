import type { PandalchemyError } from '../errors/pandalchemy-error';
import type { RebaseConflict } from '../table/rebase';

/** A loaded table's draft: what is pending and what of it is saved in this browser. */
export interface DraftStatus {
  readonly table: string;
  /** Pending changes now: inserted, updated and deleted rows plus schema and index changes. */
  readonly changes: number;
  /** Operations `undo()` can take back. */
  readonly undoable: number;
  /** Operations `redo()` can make again. */
  readonly redoable: number;
  /** When the draft was last saved (milliseconds since the epoch), or null. */
  readonly savedAt: number | null;
  /** Pending changes as of that save. */
  readonly savedChanges: number;
  /** Whether every edit is saved (false while the save waits for a pause in the editing). */
  readonly saved: boolean;
}

/** What happened to a draft. */
export type DraftEvent =
  /**
   * A table's draft was restored when it was loaded. When other writers committed since it was
   * saved its edits were rebased onto their commits (`rebased`), the contested ones reported in
   * `conflicts` exactly as `refresh()` reports them (and dropped, as `refresh()` does by default);
   * the undo history then starts again, as after `refresh()`.
   */
  | {
      readonly type: 'restored';
      readonly table: string;
      readonly changes: number;
      readonly savedAt: number;
      readonly rebased: boolean;
      readonly conflicts: readonly RebaseConflict[];
    }
  /** A draft could not be restored (schema changed beyond it, corrupt): dropped. */
  | { readonly type: 'dropped'; readonly table: string; readonly error: PandalchemyError }
  /** A table's pending edits were saved. */
  | {
      readonly type: 'saved';
      readonly table: string;
      readonly changes: number;
      readonly savedAt: number;
    }
  /** A table's draft was deleted: its edits were pushed or discarded. */
  | { readonly type: 'cleared'; readonly table: string }
  /** Saving or reading a draft failed (`quota_exceeded`, `storage`): the edits are still pending. */
  | { readonly type: 'failed'; readonly table: string; readonly error: PandalchemyError };

export type DraftListener = (event: DraftEvent) => void;
