import type { ApplyResult, OutboxWrite, RedoRecord, TableEffect } from '../../protocol/engine-api';
import { catchUp } from '../durable/catch-up';
import { persistRecords } from '../durable/persist-records';
import { restoreFromStorage } from '../durable/restore-from-storage';
import { syncStorage } from '../durable/sync-storage';
import type { EngineContext } from '../engine-context';
import { replayRecord } from '../durable/replay-record';
import { ReplaySchema } from '../durable/replay-schema';
import type { SqlDatabase } from '../sqlite';
import { publishCommits } from './publish-commits';

/** A commit whose effects were decided elsewhere; `effectsOf` reads them against the database. */
export interface EffectsCommit {
  readonly pushId: string;
  effectsOf(db: SqlDatabase): readonly TableEffect[];
}

/**
 * Sync, in the write lock: commits whose effects were decided elsewhere (a sync server), each
 * replayed as its own redo record, all persisted with `outbox`'s changes in one storage
 * transaction. A run of server commits is taken in whole: a local push made between two of them
 * could otherwise see (and be based on) a state in which this device's later pushes are undone.
 * Resolves to null, changing nothing, when there is no commit or the outbox does not hold exactly
 * `outbox.expect`.
 *
 * @example
 * ```ts
 * await ctx.exclusive(() => commitEffects(ctx, [{ pushId, effectsOf: () => effects }], {}));
 * ```
 */
export async function commitEffects(
  ctx: EngineContext,
  commits: readonly EffectsCommit[],
  outbox: OutboxWrite,
): Promise<ApplyResult | null> {
  await catchUp(ctx, true);
  const storage = syncStorage(ctx);
  if (!commits.length) return null;
  if (outbox.expect) {
    const held = (await storage.readOutbox()).entries.map((e) => e.id);
    const expected = new Set(outbox.expect);
    if (held.length !== expected.size || !held.every((id) => expected.has(id))) return null;
  }
  const db = ctx.requireDb();
  const t0 = performance.now();
  const records: RedoRecord[] = [];
  // One read of the schema for the whole run (a catch-up can be thousands of records).
  const schema = new ReplaySchema(db);
  try {
    for (const commit of commits) {
      const record: RedoRecord = {
        seq: ctx.seq + records.length + 1,
        pushId: String(commit.pushId),
        ddl: [],
        effects: commit.effectsOf(db),
        sequences: null,
        committedAt: Date.now(),
      };
      replayRecord(db, record, ctx.foreignKeys, schema);
      records.push(record);
    }
  } catch (e) {
    // Records replayed before the one that failed are in SQLite only: go back to storage.
    if (records.length) await restoreFromStorage(ctx);
    throw e;
  }
  const applyMs = performance.now() - t0;
  const t1 = performance.now();
  const bytes = await persistRecords(ctx, records, outbox, 'a server commit');
  publishCommits(ctx, records);
  const effects = records.flatMap((r) => r.effects);
  return {
    seq: records[records.length - 1]!.seq,
    effects,
    rowsWritten: effects.reduce((n, e) => n + (e.upserts.values[0]?.length ?? 0), 0),
    bytesPersisted: bytes,
    applyMs,
    persistMs: performance.now() - t1,
    tables: ctx.tables,
  };
}
