import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { ProgressCallback } from '../../protocol/engine-api';
import type { EngineContext } from '../engine-context';
import { introspect } from '../introspect';
import { replayRecords } from './replay-record';
import { ReplaySchema } from './replay-schema';
import { configureConnection } from '../sqlite';
import { messageOf } from '../sqlite-error';

/**
 * Opens the database as storage holds it: the snapshot, then every record after it replayed. The
 * engine's database, commit, schema and log account become storage's; its history restarts there.
 * A record that does not replay leaves the engine as it was and fails with `corrupt`.
 *
 * @example
 * ```ts
 * await loadStored(ctx, onProgress); // ctx.seq is the last commit storage holds
 * ```
 */
export async function loadStored(ctx: EngineContext, onProgress?: ProgressCallback): Promise<void> {
  const sql = ctx.requireSql();
  const log = ctx.log!;
  const stored = await log.storage.load(onProgress);
  const db = stored.snapshot ? new sql.Database(stored.snapshot) : new sql.Database();
  try {
    configureConnection(db, ctx.foreignKeys);
    const total = stored.records.length;
    replayRecords(db, stored.records, ctx.foreignKeys, new ReplaySchema(db), (i) =>
      onProgress?.({ phase: 'replay', done: i + 1, total }),
    );
  } catch (e) {
    db.close();
    throw new PandalchemyError(
      'corrupt',
      `The stored database '${ctx.options?.name}' could not be replayed: ${messageOf(e)}. Its storage is damaged or this is a bug: report it; deleteDatabase() discards the stored copy.`,
      { sqliteMessage: messageOf(e) },
    );
  }
  ctx.db?.close();
  ctx.db = db;
  ctx.seq = stored.records.length
    ? stored.records[stored.records.length - 1]!.seq
    : stored.snapshotSeq;
  ctx.history.restart(ctx.seq, [...stored.pushIds, ...stored.records.map((r) => r.pushId)]);
  ctx.history.restartDrops(stored.snapshotSeq, stored.records);
  log.restart(stored.records, stored.snapshot?.byteLength ?? 0);
  ctx.tables = introspect(db);
}
