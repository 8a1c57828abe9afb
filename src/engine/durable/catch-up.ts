import type { LogAfter } from '../storage';
import type { EngineContext } from '../engine-context';
import { recordSize } from './record-size';
import type { RedoRecord } from '../../protocol/engine-api';
import type { TableInfo } from '../../schema/table-info';
import { changesSchema } from '../commit/changes-schema';
import { introspect } from '../introspect';
import { replayRecords } from './replay-record';
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
  if (!takeLogIn(ctx, await ctx.log.storage.readLog(ctx.seq))) {
    await loadStored(ctx);
    ctx.history.restart(ctx.seq);
  }
  if (notify) tellRemote(ctx, before);
}

/**
 * Replays the records of `log` (the log after `ctx.seq`) that follow `ctx.seq`, synchronously
 * (a push does it inside its storage transaction). False, replaying nothing, when a snapshot
 * covers records that are no longer in the log: then only {@link loadStored} can catch up.
 */
export function takeLogIn(ctx: EngineContext, log: LogAfter): boolean {
  const { snapshotSeq, records } = log;
  if (snapshotSeq > ctx.seq && records[0]?.seq !== ctx.seq + 1) return false;
  const run: RedoRecord[] = [];
  for (const record of records) {
    if (record.seq !== ctx.seq + 1 + run.length) break;
    run.push(record);
  }
  if (!run.length) return true;
  // One transaction for the run (see replayRecords); the schema after each record that changed
  // it is read as the run replays, for that commit's place in the history.
  const db = ctx.requireDb();
  const schemas: (TableInfo[] | undefined)[] = [];
  replayRecords(db, run, ctx.foreignKeys, new ReplaySchema(db), (i) => {
    if (changesSchema(run[i]!)) schemas[i] = introspect(db);
  });
  run.forEach((record, i) => {
    ctx.log?.add(record.seq, recordSize(record));
    ctx.committed(record, schemas[i]);
  });
  return true;
}

/** Tells the remote-commit listener of the commits taken in since `before`, if any. */
export function tellRemote(ctx: EngineContext, before: number): void {
  if (ctx.seq > before && ctx.remote) {
    const last = ctx.history.last ?? { seq: ctx.seq, effects: [], tables: ctx.tables };
    ctx.remote(last);
  }
}
