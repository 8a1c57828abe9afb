import type { Authenticate, Authorize } from './authenticate';
import type { CommitFeed } from './commit-feed';
import type { SyncPool } from './sync-pool';

/** The limits of a sync server (docs/sync-protocol.md, "Limits"). */
export interface SyncLimits {
  /** The largest message a device may send, in bytes (default 16 MiB). */
  readonly maxMessageBytes: number;
  /** The most rows one push may hold (the sum of its steps' counts; default 100,000). */
  readonly maxPlanRows: number;
  /** The most pushes a connection may have waiting for their answer (default 16). */
  readonly maxPendingPushes: number;
  /** How long a connection may take to send `hello`, in ms (default 10,000). */
  readonly helloTimeoutMs: number;
  /** The most rows one `rows` message of a load holds (default 1,000). */
  readonly loadChunkRows: number;
  /** How often connections are pinged, in ms; one that missed the last ping is closed (default 30,000). */
  readonly pingIntervalMs: number;
}

export const DEFAULT_LIMITS: SyncLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxPlanRows: 100_000,
  maxPendingPushes: 16,
  helloTimeoutMs: 10_000,
  loadChunkRows: 1_000,
  pingIntervalMs: 30_000,
};

/** What every connection of one server shares. */
export interface SyncServerContext {
  readonly pool: SyncPool;
  readonly authenticate: Authenticate;
  readonly authorize: Authorize;
  readonly tables: readonly string[];
  readonly limits: SyncLimits;
  readonly feed: CommitFeed;
  /** Resolves once the log's tables exist and the feed listens; connections wait for it. */
  readonly ready: Promise<void>;
  /** Hands an error a device was not told the words of to the app's `onError`. */
  readonly report: (error: unknown) => void;
}
