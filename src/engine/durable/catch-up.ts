import type { EngineContext } from '../engine-context';
import { recordSize } from './record-size';
import { replayRecord } from './replay-record';
import { ReplaySchema } from './replay-schema';
import { loadStored } from './load-stored';

/**
 * Replays what other engines on this database committed since this one last looked; with
 * `notify`, tells the remote-commit listener when there was any. Records folded into a snapshot
 * meanwhile (or replaced by an import) are taken in by reloading from storage.
 *
 * @example
 * ```ts
 * await catchUp(ctx, false); // before a read
 * ```
 */
export async function catchUp(ctx: EngineContext, notify: boolean): Promise<void> {
  if (!ctx.log || !ctx.db) return;
  const before = ctx.seq;
  const { snapshotSeq, records } = await ctx.log.storage.readLog(ctx.seq);
  if (snapshotSeq > ctx.seq && records[0]?.seq !== ctx.seq + 1) {
    await loadStored(ctx);
    ctx.history.restart(ctx.seq);
  } else {
    const schema = new ReplaySchema(ctx.db);
    for (const record of records) {
      if (record.seq !== ctx.seq + 1) break;
      replayRecord(ctx.db, record, ctx.foreignKeys, schema);
      ctx.log.add(record.seq, recordSize(record));
      ctx.committed(record);
    }
  }
  if (notify && ctx.seq > before && ctx.remote) {
    const last = ctx.history.last ?? { seq: ctx.seq, effects: [], tables: ctx.tables };
    ctx.remote(last);
  }
}
