import type { OutboxState } from '../protocol/engine-api';
import type { RoundContext } from './round-context';

/**
 * The synced tables whose every server commit up to the device's `serverSeq` is in them (see
 * `OutboxState.followed`). A device that synced before this was stored follows the synced
 * tables it has: they were loaded when it was new.
 */
export function followedTables(ctx: RoundContext, state: OutboxState): Set<string> {
  if (state.followed) return new Set(state.followed);
  if (state.serverSeq === null) return new Set();
  return new Set(ctx.syncedTables.filter((t) => ctx.host.hasTable(t)));
}

/**
 * The tables still followed once server commits are taken in: a table this device does not
 * sync, or may not read, got nothing of theirs (the server sends a commit's effects on readable
 * tables only), so its copy misses them and is loaded again once it is synced and readable.
 */
export function stillFollowed(ctx: RoundContext, followed: ReadonlySet<string>): string[] {
  return [...followed].filter((t) => ctx.syncedTables.includes(t) && ctx.readable.includes(t));
}
