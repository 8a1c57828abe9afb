import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnarData, RowPatch, TableEffect } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import { decodeValue } from '../values/codec';
import type { CellValue, RowObject, SqlValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { insertValues, rowValues } from './edits/insert-rows';
import { createIndex, dropIndex } from './edits/index-edits';
import { addColumnState, dropColumn, renameColumn, retypeColumn } from './edits/schema-edits';
import { loadState } from './load-state';
import { ownCopy } from './own-copy';
import { rowChanges, type RowChange, type SchemaChange, type TableChanges } from './row-changes';
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
      if (update.kind === 'reload' || !sameColumns(state.store, state.info, update)) {
        throw new PandalchemyError(
          'internal',
          `The commit changed the schema of '${state.name}': reload it.`,
          { table: state.name },
        );
      }
    }
    for (const update of all) {
      if (update.kind !== 'effect') continue;
      // Patched first: it refuses a commit it cannot take in before changing anything.
      patchStore(state.store, update.effect, update.info);
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

/** Writes a commit's deletes and row images into the store, in place. */
export function patchStore(store: RowStore, effect: TableEffect, info: TableInfo): void {
  const kinds = store.kinds;
  const keyKinds = store.keyColumns.map((k) => kinds[k]!);
  const decodeKey = (cols: readonly ArrayLike<SqlValue>[], i: number): CellValue[] =>
    keyKinds.map((kind, k) => decodeValue(kind, cols[k]![i] ?? null));
  void info;
  const deleted = effect.deleted.keys;
  const nDeleted = deleted[0]?.length ?? 0;
  const ups = effect.upserts;
  const nUps = ups.values[0]?.length ?? 0;
  // Find every row before changing any key: a swap would otherwise find a half-moved row.
  const dead: number[] = [];
  for (let i = 0; i < nDeleted; i++) {
    const r = store.find(decodeKey(deleted as readonly ArrayLike<SqlValue>[], i));
    if (r >= 0) dead.push(r);
  }
  // A row may take the key another row just left: each stored row is the target of one image at
  // most (moved rows come first in an effect), the others are new rows.
  const targets: number[] = [];
  const claimed = new Set<number>();
  for (let i = 0; i < nUps; i++) {
    const r = store.find(decodeKey(ups.priorKeys as readonly ArrayLike<SqlValue>[], i));
    targets.push(r >= 0 && !claimed.has(r) ? r : -1);
    if (r >= 0) claimed.add(r);
  }
  // Patched rows were neither deleted nor moved: found now, they are the same rows after.
  const patches = (effect.patches ?? []).map((p) => patchTargets(store, p, decodeKey));
  for (const r of dead) store.kill(r);
  for (let i = 0; i < nUps; i++) {
    const values = ups.values.map((col, c) =>
      decodeValue(kinds[c]!, (col as ArrayLike<SqlValue>)[i] ?? null),
    );
    const r = targets[i]!;
    if (r >= 0 && !store.isDead(r)) {
      values.forEach((v, c) => {
        if (!valuesEqual(store.get(r, c), v)) store.set(r, c, v);
      });
    } else {
      store.append(values);
    }
  }
  for (const { patch, rows } of patches) {
    patch.columns.forEach((name, j) => {
      const c = store.names.indexOf(name);
      const col = patch.values[j] as ArrayLike<SqlValue>;
      const kind = kinds[c]!;
      // A whole column written back (a push of a transform): one new array, not a write per row.
      if (rows.length >= store.length >> 3) {
        // A number of a column that is not boolean, date or datetime is its own cell value.
        const numbers =
          col instanceof Float64Array &&
          kind !== 'boolean' &&
          kind !== 'date' &&
          kind !== 'datetime'
            ? col
            : null;
        store.setMany(c, rows, (i) => decodeValue(kind, col[i] ?? null), numbers);
        return;
      }
      for (let i = 0; i < rows.length; i++) {
        const v = decodeValue(kind, col[i] ?? null);
        if (!valuesEqual(store.get(rows[i]!, c), v)) store.set(rows[i]!, c, v);
      }
    });
  }
}

/**
 * The stored row of each row a patch names. A row missing here means this copy did not take in
 * some earlier commit: refused before anything changes, as no row-by-row update can repair it.
 */
function patchTargets(
  store: RowStore,
  patch: RowPatch,
  decodeKey: (cols: readonly ArrayLike<SqlValue>[], i: number) => CellValue[],
): { patch: RowPatch; rows: Int32Array } {
  const rows = new Int32Array(patch.rowids.length);
  // A table not keyed by its rowid names the rows by key too; otherwise the rowids are the keys.
  const keys = (patch.keys ?? [patch.rowids]) as readonly ArrayLike<SqlValue>[];
  // An integer key: looked up as itself, without an array per row.
  const kind = store.kinds[store.keyColumns[0]!];
  const one = store.keyColumns.length === 1 && (kind === 'integer' || kind === 'numeric');
  for (let i = 0; i < rows.length; i++) {
    const id = keys[0]![i];
    const r = one && typeof id === 'number' ? store.findOne(id) : store.find(decodeKey(keys, i));
    if (r < 0) {
      throw new PandalchemyError(
        'internal',
        `A commit updated a row of this table that this copy does not hold: reload the table.`,
        { key: decodeKey(keys, i) },
      );
    }
    rows[i] = r;
  }
  return { patch, rows };
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
    if (origin >= 0) out[name] = ownCopy(state.store.get(row, origin));
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
    const column =
      s.type === 'renameColumn'
        ? s.from
        : s.type === 'createIndex' || s.type === 'dropIndex'
          ? s.index
          : s.column;
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
