import { checkOptions } from '../errors/check-options';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { RemoteCommit } from '../protocol/engine-api';
import { sameSchema } from '../schema/same-schema';
import type { RebaseConflict, TableUpdate } from '../table/rebase';
import type { DatabaseState, LoadedTable, QueuedUpdate } from './database-state';
import type { DatabaseTable, RefreshOptions } from './database-table';
import { droppedEdits } from '../table/dropped-edits';

/**
 * Taking commits in: this database's own pushes, other tabs' and workers' commits, and a sync
 * server's all reach the loaded tables here, in commit order (callers hold `state.serially`).
 * A table without pending edits takes a commit at once; one with pending edits queues it until
 * its `refresh()` rebases the edits onto it.
 */

/**
 * Takes in every commit after the last one taken in, in order. When the engine no longer has
 * them row by row (a snapshot replaced them), tables are read again. Returns the conflicts of
 * rebases made on the way. `localSeq`: the commit of this database's own push (its event says
 * `local`). `oneEvent`: the commits are one run (a sync server's), told in one change event at
 * its end, so listeners never see a state in which this device's later pushes are undone.
 *
 * @example
 * ```ts
 * const conflicts = await state.serially(() => takeCommitsSince(state, 'remote'));
 * ```
 */
export async function takeCommitsSince(
  state: DatabaseState,
  source: 'local' | 'remote',
  localSeq = -1,
  oneEvent = false,
): Promise<RebaseConflict[]> {
  const since = await state.engine.commitsSince(state.seq);
  if (since.complete && oneEvent && since.commits.length) {
    const touched = new Set<string>();
    for (const commit of since.commits)
      for (const t of await applyCommit(state, commit)) touched.add(t);
    emitChange(state, source, [...touched]);
    return [];
  }
  if (since.complete) {
    for (const commit of since.commits)
      await takeCommit(state, commit, commit.seq === localSeq ? 'local' : 'remote');
    return [];
  }
  const engineState = await state.engine.state();
  // The schema and the commit the tables are read against, together: a table read as of this
  // commit needs no second look at the schema (see reloadTable).
  state.setInfo(engineState.tables);
  state.seq = engineState.seq;
  const conflicts: RebaseConflict[] = [];
  const stale: string[] = [];
  for (const l of state.loaded.values()) {
    if (!state.info.has(l.table.name)) {
      queueDrop(l);
      l.seq = engineState.seq;
      if (!l.table.hasChanges) await takeDrop(state, l);
      stale.push(l.table.name);
      continue;
    }
    if (l.table.hasChanges || wasDropped(l)) {
      // Pending edits wait for refresh(), which rebases them and reports what conflicts; a
      // table whose push is in flight must not move under it. Those of a table dropped since
      // are reported by it, the table being another now.
      if (!wasDropped(l)) l.queued = [{ kind: 'reload' }];
      stale.push(l.table.name);
    } else {
      l.queued = [];
      conflicts.push(...(await reloadTable(state, l)));
    }
    l.seq = Math.max(l.seq, engineState.seq);
  }
  state.emitter.emit({ source, seq: engineState.seq, tables: [...state.loaded.keys()], stale });
  return conflicts;
}

/**
 * Takes in the commit after the last one taken in, and tells the change listeners.
 *
 * @example
 * ```ts
 * if (result.seq === state.seq + 1) await takeCommit(state, result, 'local');
 * ```
 */
export async function takeCommit(
  state: DatabaseState,
  commit: RemoteCommit,
  source: 'local' | 'remote',
): Promise<void> {
  emitChange(state, source, await applyCommit(state, commit));
}

/** Applies (or queues) one commit to the loaded tables; returns the tables it touched. */
async function applyCommit(state: DatabaseState, commit: RemoteCommit): Promise<string[]> {
  state.setInfo(commit.tables);
  const touched: string[] = [];
  for (const effect of commit.effects) {
    touched.push(effect.table);
    const l = state.loaded.get(effect.table);
    if (!l || l.seq >= commit.seq) continue;
    if (effect.dropped) {
      queueDrop(l);
      l.seq = commit.seq;
      // Without pending edits the drop is taken in at once, as any commit is then.
      if (!l.table.hasChanges) await takeDrop(state, l);
      continue;
    }
    const info = state.info.get(effect.table);
    if (!info) continue;
    const update: QueuedUpdate = { kind: 'effect', effect, info };
    if (l.table.hasChanges) {
      if (!l.queued.length) l.basis = l.seq;
      l.queued.push(update);
      l.seq = commit.seq;
      continue;
    }
    const queued = [...l.queued, update];
    l.seq = commit.seq;
    if (!needsReload(l.table, queued)) {
      for (const u of effectsOf(queued)) l.table.applyUpdate(u);
    } else if ((await readAgain(state, l)) === null) {
      // A later commit dropped it: it is taken in as that commit's drop.
      queueDrop(l);
      await takeDrop(state, l);
      continue;
    }
    l.queued = [];
  }
  state.seq = commit.seq;
  return touched;
}

/** Tells the listeners that commits up to `state.seq` were taken in. */
function emitChange(state: DatabaseState, source: 'local' | 'remote', tables: string[]): void {
  const stale = [...state.loaded.values()].filter((l) => l.queued.length).map((l) => l.table.name);
  state.emitter.emit({ source, seq: state.seq, tables, stale });
}

/**
 * `refresh()`: takes in what was committed since, then rebases each table's pending edits onto
 * the commits it queued. Returns the contested edits.
 *
 * @example
 * ```ts
 * const conflicts = await refreshTables(state, [orders], { policy: 'keepLocal' });
 * ```
 */
export async function refreshTables(
  state: DatabaseState,
  tables: readonly DatabaseTable[],
  options: RefreshOptions = {},
): Promise<readonly RebaseConflict[]> {
  state.assertOpen();
  checkOptions('refresh()', options, REFRESH_OPTIONS);
  return state.serially(async () => {
    await takeCommitsSince(state, 'remote');
    const conflicts: RebaseConflict[] = [];
    for (const t of tables) {
      const l = state.loaded.get(t.name);
      if (!l || !l.queued.length) continue;
      if (wasDropped(l)) {
        conflicts.push(...(await takeDrop(state, l)));
        continue;
      }
      // The queue is emptied only once the rebase is done: a failed one leaves the table stale.
      if (needsReload(t, l.queued)) {
        const rebased = await readAgain(state, l, options);
        if (rebased === null) {
          // Dropped by a commit made since the ones just taken in.
          queueDrop(l);
          conflicts.push(...(await takeDrop(state, l)));
          continue;
        }
        conflicts.push(...rebased);
      } else {
        conflicts.push(...t.applyUpdate(effectsOf(l.queued), options.policy));
      }
      l.queued = [];
    }
    return conflicts;
  });
}

/** The options of `refresh()`: how contested edits are settled. */
export const REFRESH_OPTIONS = { policy: ['keepRemote', 'keepLocal'] } as const;

/**
 * Reads a loaded table from the engine again, rebasing its pending edits onto what it read.
 *
 * @example
 * ```ts
 * const conflicts = await reloadTable(state, state.loaded.get('orders')!);
 * ```
 */
export async function reloadTable(
  state: DatabaseState,
  l: LoadedTable,
  options: RefreshOptions = {},
): Promise<RebaseConflict[]> {
  const name = l.table.name;
  let info = state.requireInfo(name);
  let data = await state.engine.readTable(name);
  // The engine reads the latest commit, which may be past those taken in: the table is then as
  // of that commit, its schema too, and the commits up to it are not taken in again (their row
  // effects, applied over rows a later commit deleted, would fail).
  for (let tries = 0; data.seq !== undefined && data.seq > state.seq; tries++) {
    const now = await state.engine.state();
    const found = now.tables.find((t) => t.name === name);
    if (now.seq === data.seq && found) {
      info = found;
      break;
    }
    if (tries === 3) {
      throw new PandalchemyError(
        'busy',
        `Table '${name}' could not be read as of one commit: other writers kept committing. Try again.`,
        { table: name },
      );
    }
    data = await state.engine.readTable(name);
  }
  const conflicts = l.table.applyUpdate({ kind: 'reload', info, data }, options.policy);
  if (data.seq !== undefined && data.seq > l.seq) l.seq = data.seq;
  return conflicts;
}

/**
 * {@link reloadTable}, or null when the engine no longer has the table: a commit after those
 * taken in dropped it (the engine reads the latest data), and taking that commit in reports it.
 */
async function readAgain(
  state: DatabaseState,
  l: LoadedTable,
  options: RefreshOptions = {},
): Promise<RebaseConflict[] | null> {
  try {
    return await reloadTable(state, l, options);
  } catch (e) {
    if (e instanceof PandalchemyError && e.code === 'unknown_table') return null;
    throw e;
  }
}

/** Whether the queued commits can only be taken in by reading the table again. */
function needsReload(table: DatabaseTable, queued: readonly QueuedUpdate[]): boolean {
  return queued.some(
    (u) => u.kind !== 'effect' || u.effect.reload || !sameSchema(table.info, u.info),
  );
}

/**
 * Marks a loaded table as dropped by a commit. Its handle stays loaded and `stale`: its pending
 * edits wait for `refresh()` to report them (see `takeDrop`), its pushes are refused as conflicts,
 * and a commit that creates the table again is taken in as the table it now is. A handle that was
 * forgotten instead kept showing the dropped rows, and, the table created again, neither the new
 * rows nor its own pushes.
 */
function queueDrop(l: LoadedTable): void {
  if (!l.queued.length) l.basis = l.seq;
  l.queued = [{ kind: 'dropped' }];
}

/** Whether a commit taken in dropped the table since its handle last took one in. */
export function wasDropped(l: LoadedTable): boolean {
  return l.queued.some((u) => u.kind === 'dropped');
}

/**
 * Takes in the drop of a loaded table (see `queueDrop`): returns its pending edits as conflicts,
 * none kept (they were made on rows and columns that are gone, even where a table of the same
 * name holds others now), and shows the table as it is now: created again, read anew; else empty,
 * and still `stale`, until a commit creates it.
 */
export async function takeDrop(state: DatabaseState, l: LoadedTable): Promise<RebaseConflict[]> {
  const conflicts = droppedEdits(l.table);
  if (l.table.hasChanges) l.table.discard();
  if (state.info.has(l.table.name) && (await readAgain(state, l)) !== null) {
    l.queued = [];
  } else {
    const info = l.table.info;
    const names = info.columns.map((c) => c.name);
    l.table.applyUpdate({
      kind: 'reload',
      info,
      data: { names, columns: names.map(() => []), length: 0 },
    });
  }
  return conflicts;
}

function effectsOf(queued: readonly QueuedUpdate[]): Extract<TableUpdate, { kind: 'effect' }>[] {
  return queued.filter((u): u is Extract<TableUpdate, { kind: 'effect' }> => u.kind === 'effect');
}
