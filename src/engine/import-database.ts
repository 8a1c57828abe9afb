import type { EngineState, ProgressCallback } from '../protocol/engine-api';
import type { EngineContext } from './engine-context';
import { introspect } from './introspect';
import { openChecked } from './open-checked';
import { configureConnection } from './sqlite';
import type { Storage } from './storage';

/** The last commit `storage` holds, at least `seq` (the one this engine is at). */
async function lastStored(storage: Storage, seq: number): Promise<number> {
  const { snapshotSeq, records } = await storage.readLog(seq);
  return Math.max(seq, snapshotSeq, records.at(-1)?.seq ?? 0);
}

/**
 * Replaces the database with an SQLite file, in the write lock, as one commit: the file is checked
 * before anything changes, becomes the snapshot of a persisted database (dropping the log), and
 * every reader of earlier commits must reload. A file refused leaves everything as it was.
 *
 * @example
 * ```ts
 * const state = await ctx.exclusive(() => importDatabase(ctx, bytes));
 * ```
 */
export async function importDatabase(
  ctx: EngineContext,
  bytes: Uint8Array,
  onProgress?: ProgressCallback,
): Promise<EngineState> {
  const candidate = openChecked(ctx.requireSql(), bytes);
  onProgress?.({ phase: 'import', done: 0, total: bytes.byteLength });
  try {
    configureConnection(candidate, ctx.foreignKeys);
    // The commit after the last one stored, which may be another tab's this engine has not heard
    // of yet: engines at that commit must find the import later than it, or they never reload.
    const seq = (ctx.log ? await lastStored(ctx.log.storage, ctx.seq) : ctx.seq) + 1;
    if (ctx.log) {
      await ctx.log.storage.writeSnapshot(bytes.slice(), seq, [...ctx.history.pushIds], onProgress);
      ctx.log.restart([], bytes.byteLength);
    }
    ctx.db?.close();
    ctx.db = candidate;
    ctx.seq = seq;
    ctx.tables = introspect(candidate);
    // Readers of earlier commits must reload: there is no row-level account of an import.
    ctx.history.restart(seq);
    ctx.history.restartDrops(seq, []);
    ctx.coordinator.announce(seq);
    onProgress?.({ phase: 'import', done: bytes.byteLength, total: bytes.byteLength });
    return ctx.state();
  } catch (e) {
    if (candidate !== ctx.db) candidate.close();
    throw e;
  }
}
