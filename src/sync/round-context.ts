import type { PandalchemyError } from '../errors/pandalchemy-error';
import type { Listeners } from '../events/listeners';
import type { CommitBuffer } from './commit-buffer';
import type { PushAnswer } from './push-answer';
import type { SyncHost } from './sync-host';
import type { RefusedPush } from './sync-options';
import type { TableLoads } from './table-loads';

/**
 * What a sync round's steps (`takeCommits`, `reloadTables`) read and update of the sync client's
 * state. Read afresh for each step: `head` and `reloadAll` change as messages arrive.
 */
export interface RoundContext {
  readonly host: SyncHost;
  readonly loads: TableLoads;
  readonly answers: Map<string, PushAnswer>;
  /** Tables a commit could not update row by row: they are loaded whole. */
  readonly reloadTables: Set<string>;
  /** The server commit each loaded table is current as of. */
  readonly loadedAsOf: Map<string, number>;
  readonly buffer: CommitBuffer;
  /** Synced tables the server would not load (gone, not readable): a round reports them. */
  readonly loadFailures: Map<string, PandalchemyError>;
  readonly refusedListeners: Listeners<RefusedPush>;
  /** The server's head as last told. */
  readonly head: number;
  /** The server's log does not hold this device's history: every synced table is loaded. */
  readonly reloadAll: boolean;
  readonly syncedTables: readonly string[];
  /** The tables the server lets this device read (its welcome). */
  readonly readable: readonly string[];
  /** Every table was loaded afresh: a whole reload is no longer needed. */
  loadedAfresh(): void;
  send(message: unknown): void;
  /** The round is not done: look again soon. */
  watch(): void;
}
