import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnarData, TableEffect } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { CellValue, RowObject } from '../values/sql-value';
import { loadState } from './load-state';
import { patchStore } from './patch-store';
import { rebaseInPlace } from './rebase-in-place';
import { replayChanges } from './replay-changes';
import { rowChanges } from './row-changes';
import type { RowStore } from './row-store';
import type { TableState } from './table-state';

/** A pending edit that another writer's commit made impossible or contested. */
export interface RebaseConflict {
  readonly table: string;
  readonly type: 'insert' | 'update' | 'delete' | 'schema';
  /** The row's key (as stored before the commit; as given for inserts). */
  readonly key: readonly CellValue[];
  /** Columns edited here and changed there (for updates), or concerned by the edit. */
  readonly columns: readonly string[];
  /** What this edit wanted to write. */
  readonly local: RowObject | null;
  /** What the database holds now for those columns; null when the row is gone. */
  readonly remote: RowObject | null;
  /** Whether the pending edit was kept (`keepLocal`) or dropped in favour of the commit. */
  readonly kept: boolean;
}

/** How a rebase settles contested edits. */
export type RebasePolicy = 'keepRemote' | 'keepLocal';

/** New contents of a table: row changes of a commit, or a whole reload. */
export type TableUpdate =
  | { readonly kind: 'effect'; readonly effect: TableEffect; readonly info: TableInfo }
  | { readonly kind: 'reload'; readonly info: TableInfo; readonly data: ColumnarData };

/**
 * Moves a table onto new stored contents and replays its pending edits on top: edits of rows and
 * columns nobody else changed are kept as they were; contested ones are reported, and kept or
 * dropped by `policy`. The undo history starts again (undoing across a rebase would undo other
 * writers' changes).
 *
 * Several commits are taken in together, and the edits replayed once onto where they leave the
 * table: replayed after each in turn, an edit would meet rows as they no longer are (a row
 * another writer inserted and then deleted would swallow an insert of its key).
 */
export function rebase(
  state: TableState,
  updates: TableUpdate | readonly TableUpdate[],
  policy: RebasePolicy = 'keepRemote',
  /** False: always the whole replay (tests compare the two ways). */
  inPlaceAllowed = true,
): RebaseConflict[] {
  const all: readonly TableUpdate[] = Array.isArray(updates) ? updates : [updates as TableUpdate];
  // Refused before anything moves: a rebase half done would lose the pending edits.
  if (state.lockedBy !== null) {
    throw new PandalchemyError(
      'busy',
      `Table '${state.name}' cannot take other writers' changes now: ${state.lockedBy}.`,
      { table: state.name },
    );
  }
  const reloading = all.length === 1 && all[0]!.kind === 'reload';
  if (!reloading) {
    for (const update of all) {
      if (update.kind === 'reload' || !sameColumns(state.store, state.info, update)) {
        throw new PandalchemyError(
          'internal',
          `The commit changed the schema of '${state.name}': reload it.`,
          { table: state.name },
        );
      }
    }
    // Commits touching a few rows: only those rows are replayed.
    const inPlace = inPlaceAllowed ? rebaseInPlace(state, all, policy) : null;
    if (inPlace) return inPlace;
  }
  const pending = rowChanges(state);
  const hadPending =
    pending.schema.length +
      pending.inserts.length +
      pending.updates.length +
      pending.deletes.length >
    0;
  const reload = all.length === 1 && all[0]!.kind === 'reload' ? all[0] : null;
  if (reload) {
    const fresh = loadState(reload.info, reload.data);
    state.info = reload.info;
    state.store = fresh.store;
  } else {
    for (const update of all) {
      if (update.kind !== 'effect') continue;
      // Patched first: it refuses a commit it cannot take in before changing anything.
      patchStore(state.store, update.effect);
      state.info = update.info;
    }
  }
  state.resetColumns();
  if (!hadPending) {
    state.store.compact();
    return [];
  }
  return replayChanges(state, pending, policy);
}

/** Whether a commit's rows are described in the table's current stored columns. */
function sameColumns(
  store: RowStore,
  info: TableInfo,
  update: { effect: TableEffect; info: TableInfo },
): boolean {
  if (update.effect.reload || update.effect.dropped) return false;
  const cols = update.effect.upserts.columns;
  const names = store.names;
  if (cols.length && (cols.length !== names.length || cols.some((c, i) => c !== names[i])))
    return false;
  const patched = (update.effect.patches ?? []).flatMap((p) => p.columns);
  if (patched.some((c) => !names.includes(c) || store.keyColumns.includes(names.indexOf(c))))
    return false;
  const declared = (i: TableInfo) => i.columns.map((c) => `${c.name}:${c.declaredType}`).join(',');
  return declared(info) === declared(update.info);
}
