import { isSchemaStep, type ExecutionPlan, type PlanStep } from '../../plan/execution-plan';
import type {
  ApplyOptions,
  ApplyResult,
  OutboxWrite,
  ProgressCallback,
  RedoRecord,
} from '../../protocol/engine-api';
import { applyPlan } from '../apply-plan';
import { catchUp, takeLogIn, tellRemote } from '../durable/catch-up';
import { persistRecords, storageRefused } from '../durable/persist-records';
import { recordSize } from '../durable/record-size';
import type { EngineContext } from '../engine-context';
import { publishCommits } from './publish-commits';

/**
 * The most rows a plan applied inside the storage transaction writes. Chromium aborts a
 * transaction that sends no request for about a minute, however busy its page is, and a large
 * plan (or any schema change, which may rewrite a whole table) is applied outside it: the
 * transaction saved is worth a fraction of a millisecond, nothing next to such an apply.
 */
const IN_TRANSACTION_ROWS = 10_000;

/** A plan applied and committed in SQLite, with its redo record: not stored yet. */
interface AppliedPush {
  readonly record: RedoRecord;
  readonly rowsWritten: number;
  readonly applyMs: number;
}

/**
 * A push, in the write lock: takes in what other engines committed, applies the plan in one
 * SQLite transaction, appends its redo record (and `options.outbox`'s entry) to storage, and
 * publishes the commit. When storage refuses, the database goes back to what storage holds.
 *
 * For a small plan, the log is read and the record appended in one storage transaction, the plan
 * applied in between ({@link Storage.appendAfter}): a second transaction, only to read a log that
 * is almost always empty, was a third of a small push's time. A large plan, or one that must
 * reload first (a snapshot covers commits this engine lacks), reads and appends separately.
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
  const log = ctx.log;
  if (log && ctx.db && small(plan)) {
    const before = ctx.seq;
    let push: AppliedPush | null = null;
    let stale = false;
    // persistMs is the time in storage: its reads before `write` and the append after it. The
    // apply in between is applyMs; neither is counted in the other.
    let t1 = performance.now();
    let reading = 0;
    try {
      await log.storage.appendAfter(
        ctx.seq,
        (stored) => {
          reading = performance.now() - t1;
          if (!takeLogIn(ctx, stored)) {
            stale = true;
            return null;
          }
          push = applyPush(ctx, plan, options, onProgress);
          onProgress?.({ phase: 'persist', done: 0, total: recordSize(push.record) });
          t1 = performance.now();
          return { records: [push.record], outbox: outboxOf(push.record, options.outbox) };
        },
        options.outbox !== undefined,
      );
    } catch (e) {
      // SQLite committed what storage did not: go back to what storage holds.
      const error = push ? await storageRefused(ctx, e, 'the push') : e;
      tellRemote(ctx, before);
      throw error;
    }
    tellRemote(ctx, before);
    const done = push as AppliedPush | null;
    if (!stale && done) {
      const bytes = recordSize(done.record);
      log.add(done.record.seq, bytes);
      onProgress?.({ phase: 'persist', done: bytes, total: bytes });
      return published(ctx, done, bytes, reading + performance.now() - t1);
    }
  }
  await catchUp(ctx, true);
  const push = applyPush(ctx, plan, options, onProgress);
  const t1 = performance.now();
  const bytes = ctx.log
    ? await persistRecords(
        ctx,
        [push.record],
        outboxOf(push.record, options.outbox),
        'the push',
        onProgress,
      )
    : 0;
  return published(ctx, push, bytes, performance.now() - t1);
}

/** Whether the plan is applied inside the storage transaction (see {@link IN_TRANSACTION_ROWS}). */
function small(plan: ExecutionPlan): boolean {
  // The plan is not validated yet (apply does it): anything unexpected takes the other path.
  const steps: unknown = (plan as Partial<ExecutionPlan> | null)?.steps;
  if (!Array.isArray(steps)) return false;
  let rows = 0;
  for (const s of steps as unknown[]) {
    if (typeof s !== 'object' || s === null || isSchemaStep(s as PlanStep)) return false;
    const count = (s as { count?: unknown }).count;
    if (typeof count !== 'number') return false;
    rows += count;
  }
  return rows <= IN_TRANSACTION_ROWS;
}

/** Applies the plan on top of `ctx.seq` in one SQLite transaction, and makes its redo record. */
function applyPush(
  ctx: EngineContext,
  plan: ExecutionPlan,
  options: ApplyOptions,
  onProgress: ProgressCallback | undefined,
): AppliedPush {
  const t0 = performance.now();
  const applied = applyPlan(ctx.requireDb(), plan, {
    conflict: options?.conflict ?? 'fail',
    onProgress,
    changedSince: (table, seq, limit) => ctx.history.changedSince(table, seq, limit, ctx.seq),
    droppedSince: (table, seq) => ctx.history.droppedSince(table, seq, ctx.seq),
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
  return { record, rowsWritten: applied.rowsWritten, applyMs };
}

/** The sync outbox's entry for the push, when it adds one. */
function outboxOf(
  record: RedoRecord,
  add: ApplyOptions['outbox'] | undefined,
): OutboxWrite | undefined {
  return add ? { add: { ...add, id: record.pushId, seq: record.seq } } : undefined;
}

/** Publishes a stored push and answers it. */
function published(
  ctx: EngineContext,
  push: AppliedPush,
  bytes: number,
  persistMs: number,
): ApplyResult {
  publishCommits(ctx, [push.record]);
  return {
    seq: push.record.seq,
    effects: push.record.effects,
    rowsWritten: push.rowsWritten,
    bytesPersisted: bytes,
    applyMs: push.applyMs,
    persistMs,
    tables: ctx.tables,
  };
}
