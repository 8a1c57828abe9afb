import type { RedoRecord } from '../../protocol/engine-api';
import { checkpointIfDue } from '../durable/checkpoint';
import type { EngineContext } from '../engine-context';

/**
 * Takes records that are committed (in SQLite, and in storage when persisted) into the engine's
 * memory, tells the other engines on this database about the last one, and starts a checkpoint
 * when the log has grown past the policy (a catch-up can add thousands of records at once: a
 * later open must not replay them all).
 *
 * @example
 * ```ts
 * publishCommits(ctx, [record]); // ctx.seq === record.seq
 * ```
 */
export function publishCommits(ctx: EngineContext, records: readonly RedoRecord[]): void {
  for (const record of records) ctx.committed(record);
  ctx.coordinator.announce(records[records.length - 1]!.seq);
  checkpointIfDue(ctx);
}
