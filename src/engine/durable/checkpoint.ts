import type { CheckpointResult, ProgressCallback } from '../../protocol/engine-api';
import type { EngineContext } from '../engine-context';
import { catchUp } from './catch-up';

/**
 * Folds the log into a fresh snapshot without holding up pushes while the file is written: the
 * database is exported in the engine's queue, under the write lock (a consistent file as of one
 * commit); the bytes are then staged in storage outside both, while later pushes commit and
 * append; a last short step in the queue makes the staged file the snapshot and drops the
 * records it covers. A crash before that step leaves the old snapshot and the whole log.
 *
 * @example
 * ```ts
 * const { recordsDropped } = await checkpoint(ctx);
 * ```
 */
export async function checkpoint(
  ctx: EngineContext,
  onProgress?: ProgressCallback,
): Promise<CheckpointResult> {
  const t0 = performance.now();
  if (ctx.log) ctx.log.checkpointing = true;
  const started = ctx.log;
  try {
    const taken = await ctx.exclusive(async () => {
      await catchUp(ctx, true);
      if (!ctx.log) return null;
      onProgress?.({ phase: 'checkpoint', done: 0, total: null });
      return { bytes: ctx.export(), seq: ctx.seq, pushIds: [...ctx.history.pushIds] };
    });
    const log = ctx.log;
    if (!taken || !log) return { seq: ctx.seq, bytesWritten: 0, recordsDropped: 0, ms: 0 };
    const staged = await log.storage.stageSnapshot(taken.bytes, onProgress);
    return await ctx.exclusive(async () => {
      const done = await log.storage.commitSnapshot(staged, taken.seq, taken.pushIds);
      if (done) log.folded(taken.seq, staged.bytes);
      return {
        seq: taken.seq,
        bytesWritten: done?.bytesWritten ?? 0,
        recordsDropped: done?.recordsDropped ?? 0,
        ms: performance.now() - t0,
      };
    });
  } finally {
    if (started) started.checkpointing = false;
  }
}

/**
 * Starts a checkpoint when the log has grown past the policy, without waiting for it: the commit
 * that made it due does not wait for the snapshot, and a failed one is retried after a later
 * commit.
 */
export function checkpointIfDue(ctx: EngineContext): void {
  if (ctx.log?.due) void checkpoint(ctx).catch(() => undefined);
}
