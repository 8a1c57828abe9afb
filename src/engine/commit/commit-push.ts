import type { ExecutionPlan } from '../../plan/execution-plan';
import type {
  ApplyOptions,
  ApplyResult,
  ProgressCallback,
  RedoRecord,
} from '../../protocol/engine-api';
import { applyPlan } from '../apply-plan';
import { catchUp } from '../durable/catch-up';
import { persistRecords } from '../durable/persist-records';
import type { EngineContext } from '../engine-context';
import { publishCommits } from './publish-commits';

/**
 * A push, in the write lock: takes in what other engines committed, applies the plan in one
 * SQLite transaction, appends its redo record (and `options.outbox`'s entry) to storage, and
 * publishes the commit. When storage refuses, the database goes back to what storage holds.
 *
 * @example
 * ```ts
 * const result = await ctx.exclusive(() => commitPush(ctx, plan, { pushId: 'p1' }));
 * ```
 */
export async function commitPush(
  ctx: EngineContext,
  plan: ExecutionPlan,
  options: ApplyOptions,
  onProgress?: ProgressCallback,
): Promise<ApplyResult> {
  await catchUp(ctx, true);
  const db = ctx.requireDb();
  const t0 = performance.now();
  const applied = applyPlan(db, plan, {
    conflict: options?.conflict ?? 'fail',
    onProgress,
    changedSince: (table, seq, limit) => ctx.history.changedSince(table, seq, limit, ctx.seq),
  });
  const applyMs = performance.now() - t0;
  const record: RedoRecord = {
    seq: ctx.seq + 1,
    pushId: String(options?.pushId ?? ''),
    ddl: applied.ddl,
    effects: applied.effects,
    sequences: applied.sequences,
    committedAt: Date.now(),
  };
  const t1 = performance.now();
  const add = options?.outbox;
  const bytes = ctx.log
    ? await persistRecords(
        ctx,
        [record],
        add ? { add: { ...add, id: record.pushId, seq: record.seq } } : undefined,
        'the push',
        onProgress,
      )
    : 0;
  const persistMs = performance.now() - t1;
  publishCommits(ctx, [record]);
  return {
    seq: record.seq,
    effects: record.effects,
    rowsWritten: applied.rowsWritten,
    bytesPersisted: bytes,
    applyMs,
    persistMs,
    tables: ctx.tables,
  };
}
