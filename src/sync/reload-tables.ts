import { fromSerializedError, type PandalchemyError } from '../errors/pandalchemy-error';
import type { OutboxState } from '../protocol/engine-api';
import { followedTables } from './followed-tables';
import { returnRefused } from './return-refused';
import type { RoundContext } from './round-context';
import { createStepOf, isLoadRefusal, type TableLoad } from './table-loads';
import { sameColumns } from './same-columns';

/**
 * Loads from the server the tables a new device lacks, the synced tables it does not follow
 * (never loaded: added to `sync.tables` by a new version of the app; or not readable while
 * commits were taken in), those a commit could not update row by row, and those of refused
 * pushes (undoing them), as one local commit; then returns the refused edits as pending edits.
 * False when the round must wait: the local commit was not taken (a local push came first).
 */
export async function reloadTables(ctx: RoundContext, state: OutboxState): Promise<boolean> {
  const refused = state.entries.filter((e) => ctx.answers.get(e.id)?.kind === 'refused');
  const fresh = state.serverSeq === null || ctx.reloadAll;
  const followed = followedTables(ctx, state);
  const tables = new Set(ctx.reloadTables);
  if (fresh) for (const t of ctx.syncedTables) tables.add(t);
  // One the server does not let this device read cannot be loaded: it is once it can.
  for (const t of ctx.syncedTables) if (!followed.has(t) && ctx.readable.includes(t)) tables.add(t);
  for (const e of refused)
    for (const t of e.tables) if (ctx.syncedTables.includes(t)) tables.add(t);
  if (!tables.size && !refused.length) return true;
  const loads: TableLoad[] = [];
  // A table the server will not load (gone from it, or not readable) holds up no other: the
  // others are loaded, and it is reported (`loadFailures`, once the round is otherwise done) and
  // asked for again in later rounds.
  const failed = new Map<string, PandalchemyError>();
  for (const t of tables) {
    try {
      loads.push(await ctx.loads.request(t));
    } catch (e) {
      if (!isLoadRefusal(e)) throw e;
      failed.set(t, e as PandalchemyError);
    }
  }
  // A refused push is undone once the server's rows of its tables are in, or its table is gone
  // from the server (nothing to undo there: its edits are returned to no table).
  const undone = refused.filter((e) =>
    e.tables.every((t) => (failed.get(t)?.code ?? 'unknown_table') === 'unknown_table'),
  );
  for (const [t, e] of failed) ctx.loadFailures.set(t, e);
  // A new device that could load nothing has nothing to follow yet: its round fails.
  if (!loads.length && !undone.length) {
    const [failure] = failed.values();
    if (failure && state.serverSeq === null) throw failure;
    return true;
  }
  for (const load of loads) {
    const step = createStepOf(load);
    const local = ctx.host.columnsOf(load.table);
    if (!local) await ctx.host.createLocalTable(step);
    // The server's table has other columns (a column added, renamed, dropped or retyped there):
    // the rows loaded fit only a table made anew.
    else if (!sameColumns(local, load.columns)) await ctx.host.replaceLocalTable(step);
  }
  const serverSeq = fresh ? Math.max(ctx.head, ...loads.map((l) => l.asOf)) : state.serverSeq!;
  // A push the server accepted is in the rows loaded (loaded after its answer): a fresh load
  // settles it, as no commit after `serverSeq` will.
  const settled = fresh
    ? state.entries.filter((e) => ctx.answers.get(e.id)?.kind === 'accepted' || undone.includes(e))
    : undone;
  const took = await ctx.host.commit(() =>
    ctx.host.engine.replaceRows(
      `sync-load:${Date.now()}`,
      loads.map((l) => ({
        table: l.table,
        columns: l.columns.map((c) => c.name),
        values: l.values,
      })),
      {
        settle: settled.map((e) => e.id),
        serverSeq,
        followed: [...new Set([...(fresh ? [] : followed), ...loads.map((l) => l.table)])],
        expect: state.entries.map((e) => e.id),
      },
    ),
  );
  if (!took) return false;
  for (const load of loads) {
    ctx.loadFailures.delete(load.table);
    ctx.loadedAsOf.set(load.table, load.asOf);
    ctx.reloadTables.delete(load.table);
  }
  if (fresh) {
    // Before the awaits below: a welcome arriving meanwhile may ask for a whole reload again.
    ctx.loadedAfresh();
    ctx.buffer.dropThrough(serverSeq);
  }
  for (const entry of undone) {
    const answer = ctx.answers.get(entry.id);
    ctx.answers.delete(entry.id);
    if (answer?.kind !== 'refused') continue;
    const error = fromSerializedError(answer.error);
    ctx.refusedListeners.emit(await returnRefused(ctx.host, entry, error));
  }
  return true;
}
