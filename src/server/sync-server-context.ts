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
  /**
   * The most loads this server process streams at once (default 4), each holding a pooled
   * connection for its snapshot: keep it below the pool's size, so pushes always find one.
   */
  readonly maxLoads: number;
  /**
   * How long a load waits for the device's socket to take a chunk, in ms, before the server drops
   * the load and closes the connection (default 30,000): a device that stops reading does not
   * hold a pooled connection longer.
   */
  readonly loadStallMs: number;
}

export const DEFAULT_LIMITS: SyncLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxPlanRows: 100_000,
  maxPendingPushes: 16,
  helloTimeoutMs: 10_000,
  loadChunkRows: 1_000,
  pingIntervalMs: 30_000,
  maxLoads: 4,
  loadStallMs: 30_000,
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
  /** Loads streaming now in this process, of every connection (at most `limits.maxLoads`). */
  readonly loads: { active: number };
  /** Hands an error a device was not told the words of to the app's `onError`. */
  readonly report: (error: unknown) => void;
}
