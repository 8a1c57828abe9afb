import { PandalchemyError } from '../errors/pandalchemy-error';
import type { RemoteCommit } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { RebaseConflict, TableUpdate } from '../table/rebase';
import type { DatabaseState, LoadedTable, QueuedUpdate } from './database-state';
import type { DatabaseTable, RefreshOptions } from './database-table';
import { droppedEdits } from './dropped-edits';

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
  state.setInfo(engineState.tables);
  const conflicts: RebaseConflict[] = [];
  const stale: string[] = [];
  for (const l of state.loaded.values()) {
    if (!state.info.has(l.table.name)) {
      state.droppedConflicts.push(...droppedEdits(l.table));
      state.loaded.delete(l.table.name);
      continue;
    }
    if (l.table.hasChanges) {
      // Pending edits wait for refresh(), which rebases them and reports what conflicts; a
      // table whose push is in flight must not move under it.
      l.queued = [{ kind: 'reload' }];
      stale.push(l.table.name);
    } else {
      l.queued = [];
      conflicts.push(...(await reloadTable(state, l)));
    }
    l.seq = engineState.seq;
  }
  state.seq = engineState.seq;
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
      state.droppedConflicts.push(...droppedEdits(l.table));
      state.loaded.delete(effect.table);
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
    if (needsReload(l.table, queued)) await reloadTable(state, l);
    else for (const u of effectsOf(queued)) l.table.applyUpdate(u);
    l.queued = [];
    l.seq = commit.seq;
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
  /** Every loaded table (a `Database`'s refresh): edits of dropped tables are reported too. */
  everything = false,
): Promise<readonly RebaseConflict[]> {
  state.assertOpen();
  const policy: unknown = options?.policy;
  if (policy !== undefined && policy !== 'keepRemote' && policy !== 'keepLocal') {
    throw new PandalchemyError(
      'invalid_argument',
      `refresh() takes { policy: 'keepRemote' } (drop contested edits, the default) or { policy: 'keepLocal' } (keep them); got ${JSON.stringify(policy) ?? String(policy)}.`,
    );
  }
  return state.serially(async () => {
    await takeCommitsSince(state, 'remote');
    // Edits of tables another writer dropped: reported once, by the refresh that asks for them.
    const names = new Set(tables.map((t) => t.name));
    const conflicts: RebaseConflict[] = [];
    for (let i = state.droppedConflicts.length - 1; i >= 0; i--) {
      if (everything || names.has(state.droppedConflicts[i]!.table))
        conflicts.unshift(...state.droppedConflicts.splice(i, 1));
    }
    for (const t of tables) {
      const l = state.loaded.get(t.name);
      if (!l || !l.queued.length) continue;
      // The queue is emptied only once the rebase is done: a failed one leaves the table stale.
      if (needsReload(t, l.queued)) {
        conflicts.push(...(await reloadTable(state, l, options)));
      } else {
        conflicts.push(...t.applyUpdate(effectsOf(l.queued), options.policy));
      }
      l.queued = [];
    }
    return conflicts;
  });
}

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
  const info = state.requireInfo(l.table.name);
  const data = await state.engine.readTable(l.table.name);
  return l.table.applyUpdate({ kind: 'reload', info, data }, options.policy);
}

/** Whether the queued commits can only be taken in by reading the table again. */
function needsReload(table: DatabaseTable, queued: readonly QueuedUpdate[]): boolean {
  return queued.some(
    (u) => u.kind === 'reload' || u.effect.reload || !sameSchema(table.info, u.info),
  );
}

function effectsOf(queued: readonly QueuedUpdate[]): Extract<TableUpdate, { kind: 'effect' }>[] {
  return queued.filter((u): u is Extract<TableUpdate, { kind: 'effect' }> => u.kind === 'effect');
}

function sameSchema(a: TableInfo, b: TableInfo): boolean {
  const cols = (i: TableInfo) => i.columns.map((c) => `${c.name}:${c.declaredType}`).join(',');
  return cols(a) === cols(b) && a.key.columns.join(',') === b.key.columns.join(',');
}
