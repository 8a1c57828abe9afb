import type { OutboxState } from '../protocol/engine-api';
import { followedTables, stillFollowed } from './followed-tables';
import type { RoundContext } from './round-context';
import { holdsColumns } from './same-columns';

/**
 * Takes in the waiting server commits that follow the last one taken in, in order, as one run
 * (one worker call: no local push lands between two of them). False when the round must wait:
 * a push the server accepted has no commit in the run yet — taking in the commits before it
 * would put that push's rows back to older server values, and a local push made then would be
 * based on them — or a local push joined the outbox meanwhile (its round comes next).
 */
export async function takeCommits(ctx: RoundContext, state: OutboxState): Promise<boolean> {
  const from = state.serverSeq;
  if (from === null || ctx.reloadAll) return true;
  const run = ctx.buffer.runAfter(from);
  const last = run.length ? run[run.length - 1]!.seq : from;
  // A gap: ask for everything after the last commit in the run.
  const gap = ctx.buffer.gapAfter(last, run.length);
  if (gap !== null) ctx.send({ type: 'pull', since: gap });
  const inRun = new Set(run.map((c) => c.pushId));
  const waiting = state.entries.some(
    (e) => ctx.answers.get(e.id)?.kind === 'accepted' && !inRun.has(e.id),
  );
  if (waiting) {
    ctx.watch();
    return false;
  }
  if (!run.length) return true;
  const ids = new Set(state.entries.map((e) => e.id));
  const followed = followedTables(ctx, state);
  // Tables the server dropped: dropped here too once the run is in, not left with stale rows.
  const dropped = new Set(
    run.flatMap((c) =>
      c.effects.filter((e) => e.dropped && followed.has(e.table)).map((e) => e.table),
    ),
  );
  const commits = run.map((commit) => ({
    pushId: `sync:${commit.seq}`,
    effects: commit.effects.filter((e) => {
      if ((ctx.loadedAsOf.get(e.table) ?? -1) >= commit.seq) return false;
      // A table not followed is loaded whole (reloadTables): its copy is not the one these
      // effects follow on, or not the server's at all (a local-only table of the same name).
      if (!followed.has(e.table)) return false;
      // A commit whose rows have other columns than the local table (a migration run on the
      // server, which marks no reload) is taken as a reload too.
      const local = ctx.host.columnsOf(e.table);
      if (!e.reload && local && holdsColumns(local, e.upserts.columns)) return true;
      if (ctx.syncedTables.includes(e.table) && !e.dropped) ctx.reloadTables.add(e.table);
      return false;
    }),
  }));
  const took = await ctx.host.commit(() =>
    ctx.host.engine.takeEffects(commits, {
      settle: run.filter((c) => ids.has(c.pushId)).map((c) => c.pushId),
      serverSeq: last,
      followed: stillFollowed(ctx, followed).filter((t) => !dropped.has(t)),
      expect: [...ids],
    }),
  );
  if (!took) return false;
  ctx.buffer.dropThrough(last);
  // Its pending edits go with it: the server has nowhere to take them. (A table the server made
  // again after the drop is loaded afresh: it is no longer followed.)
  for (const t of dropped) if (ctx.host.hasTable(t)) await ctx.host.dropLocalTable(t);
  return true;
}
