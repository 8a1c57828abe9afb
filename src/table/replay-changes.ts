import { PandalchemyError } from '../errors/pandalchemy-error';
import type { CellValue, RowObject } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { insertValues, rowValues } from './edits/insert-rows';
import { createIndex, dropIndex } from './edits/index-edits';
import { addColumnState, dropColumn, renameColumn, retypeColumn } from './edits/schema-edits';
import { ownCopy } from './own-copy';
import type { RebaseConflict, RebasePolicy } from './rebase';
import {
  schemaChangeColumn,
  type RowChange,
  type SchemaChange,
  type TableChanges,
} from './row-changes';
import type { TableState } from './table-state';
import { setField } from '../values/set-field';

/**
 * Makes pending changes (as `rowChanges` reports them, made over other stored rows) again over
 * a table without pending edits, as one operation: what `rebase` does once the table holds the
 * new rows. Also how a saved draft is rebased (src/drafts/). The undo history starts again.
 */
export function replayChanges(
  state: TableState,
  pending: TableChanges,
  policy: RebasePolicy = 'keepRemote',
): RebaseConflict[] {
  const conflicts: RebaseConflict[] = [];
  state.edit(
    'rebase',
    () => 'rebase',
    () => {
      for (const s of pending.schema) replaySchema(state, s, conflicts);
      for (const d of pending.deletes) replayDelete(state, d, policy, conflicts);
      const rekeyed = new Map<number, RowChange>();
      for (const u of pending.updates) replayUpdate(state, u, policy, conflicts, rekeyed);
      settleKeys(state, rekeyed, conflicts);
      for (const i of pending.inserts) replayInsert(state, i, policy, conflicts);
    },
  );
  state.log.clear();
  return conflicts;
}

function conflict(
  state: TableState,
  type: RebaseConflict['type'],
  change: { key: readonly CellValue[]; columns: readonly string[]; newValues: RowObject | null },
  remote: RowObject | null,
  kept: boolean,
): RebaseConflict {
  return {
    table: state.name,
    type,
    key: change.key,
    columns: change.columns,
    local: change.newValues,
    remote,
    kept,
  };
}

/** Stored values of a row, by current column name (or by stored name when `byStoredName`). */
function storedRow(
  state: TableState,
  row: number,
  columns: readonly string[],
  byStoredName = false,
): RowObject {
  const out: RowObject = {};
  for (const name of columns) {
    const origin = byStoredName
      ? state.store.names.indexOf(name)
      : state.hasColumn(name)
        ? state.column(name).origin
        : -1;
    if (origin >= 0) setField(out, name, ownCopy(state.store.get(row, origin)));
  }
  return out;
}

function replaySchema(state: TableState, s: SchemaChange, conflicts: RebaseConflict[]): void {
  try {
    switch (s.type) {
      case 'addColumn':
        addColumnState(state, s.column, { type: s.declaredType });
        return;
      case 'dropColumn':
        dropColumn(state, s.column);
        return;
      case 'renameColumn':
        renameColumn(state, s.from, s.to);
        return;
      case 'retypeColumn':
        retypeColumn(state, s.column, s.to, { invalid: 'keep' });
        return;
      case 'dropIndex':
        dropIndex(state, s.index);
        return;
      case 'createIndex':
        createIndex(state, s.index, s.columns, { unique: s.unique });
        return;
    }
  } catch (e) {
    if (!(e instanceof PandalchemyError)) throw e;
    const column = schemaChangeColumn(s);
    conflicts.push({
      table: state.name,
      type: 'schema',
      key: [],
      columns: [column],
      local: null,
      remote: null,
      kept: false,
    });
  }
}

function replayDelete(
  state: TableState,
  d: RowChange,
  policy: RebasePolicy,
  conflicts: RebaseConflict[],
): void {
  const row = state.store.find(d.key);
  if (row < 0) return; // Deleted by the other writer too: nothing left to do, nothing contested.
  const now = storedRow(state, row, d.columns, true);
  const unchanged = d.columns.every((c) => !(c in now) || valuesEqual(now[c], d.oldValues?.[c]));
  if (!unchanged) {
    conflicts.push(conflict(state, 'delete', d, now, policy === 'keepLocal'));
    if (policy === 'keepRemote') return;
  }
  state.remove(row);
}

function replayUpdate(
  state: TableState,
  u: RowChange,
  policy: RebasePolicy,
  conflicts: RebaseConflict[],
  rekeyed: Map<number, RowChange>,
): void {
  const row = state.store.find(u.key);
  if (row < 0) {
    conflicts.push(conflict(state, 'update', u, null, false));
    return;
  }
  const now = storedRow(state, row, u.columns);
  // Columns the table no longer has (another writer renamed or dropped them): the edit cannot be
  // made again, and is reported rather than dropped without a word.
  const gone = u.columns.filter((c) => !state.hasColumn(c));
  if (gone.length) conflicts.push({ ...conflict(state, 'update', u, now, false), columns: gone });
  const contested = u.columns.filter((c) => c in now && !valuesEqual(now[c], u.oldValues?.[c]));
  if (contested.length) {
    conflicts.push({
      ...conflict(state, 'update', u, now, policy === 'keepLocal'),
      columns: contested,
    });
  }
  for (const name of u.columns) {
    if (policy === 'keepRemote' && contested.includes(name)) continue;
    if (!state.hasColumn(name)) continue;
    const col = state.column(name);
    const v = u.newValues?.[name] ?? null;
    try {
      state.write(row, col, v);
      if (state.isKeyColumn(col)) rekeyed.set(row, u);
    } catch (e) {
      if (!(e instanceof PandalchemyError)) throw e;
      conflicts.push({ ...conflict(state, 'update', u, now, false), columns: [name] });
    }
  }
}

/**
 * Moves back to their stored keys the rows whose replayed key another row now holds (a key the
 * other writer took): each is a conflict. Reverting one may free the key another reverted row
 * comes back to, so this runs until no replayed key is shared.
 */
function settleKeys(
  state: TableState,
  rekeyed: Map<number, RowChange>,
  conflicts: RebaseConflict[],
): void {
  const names = state.keyColumns.map((c) => c.name);
  for (;;) {
    const clashing = [...rekeyed].filter(([row]) => state.isLive(row) && state.sharesKey(row));
    if (!clashing.length) return;
    for (const [row, u] of clashing) {
      rekeyed.delete(row);
      for (const c of state.keyColumns) state.write(row, c, state.stored(row, c));
      conflicts.push({
        ...conflict(state, 'update', u, storedRow(state, row, names), false),
        columns: names,
      });
    }
  }
}

function replayInsert(
  state: TableState,
  i: RowChange,
  policy: RebasePolicy,
  conflicts: RebaseConflict[],
): void {
  try {
    insertValues(state, rowValues(state, i.newValues ?? {}));
  } catch (e) {
    if (!(e instanceof PandalchemyError)) throw e;
    const holder = state.find(i.key.map((v) => v ?? null));
    // Kept: the row another writer inserted under this key takes this insert's values.
    const kept = policy === 'keepLocal' && holder !== undefined && holder >= 0;
    conflicts.push(
      conflict(
        state,
        'insert',
        i,
        holder === undefined ? null : storedRow(state, holder, i.columns),
        kept,
      ),
    );
    if (kept) {
      for (const name of i.columns) {
        if (state.hasColumn(name))
          state.write(holder, state.column(name), i.newValues?.[name] ?? null);
      }
    }
  }
}
