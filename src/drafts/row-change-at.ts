import type { ColumnState } from '../table/column-state';
import { ownCopies, ownCopy } from '../table/own-copy';
import type { RowChange } from '../table/row-changes';
import type { TableState } from '../table/table-state';
import type { RowObject } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';

/**
 * The net change of one row as `rowChanges` reports it (null when the row is as stored): what a
 * draft's delta keeps of the rows its edits touched, so that a save costs what changed rather
 * than `rowChanges` of every pending row.
 */
export function rowChangeAt(state: TableState, row: number): RowChange | null {
  const store = state.store;
  if (row < 0) {
    if (!state.inserted.has(row)) return null;
    const columns = state.columns.filter((c) => !state.isUnset(row, c));
    const newValues: RowObject = {};
    for (const c of columns) newValues[c.name] = ownCopy(state.value(row, c));
    return {
      type: 'insert',
      key: ownCopies(state.currentKey(row)),
      columns: columns.map((c) => c.name),
      oldValues: null,
      newValues,
    };
  }
  if (row >= store.length || store.isDead(row)) return null;
  if (state.deleted.has(row)) {
    const oldValues: RowObject = {};
    store.names.forEach((n, i) => (oldValues[n] = ownCopy(store.get(row, i))));
    return {
      type: 'delete',
      key: ownCopies(store.keyOf(row)),
      columns: [...store.names],
      oldValues,
      newValues: null,
    };
  }
  let rekeyed = false;
  const changed: ColumnState[] = [];
  for (const c of state.columns) {
    if (c.cells.size === 0 && c.dense === null) continue;
    if (valuesEqual(state.value(row, c), state.baseline(row, c))) continue;
    if (state.isKeyColumn(c)) rekeyed = true;
    else changed.push(c);
  }
  if (!rekeyed && changed.length === 0) return null;
  const key = ownCopies(store.keyOf(row));
  const newKey = ownCopies(state.currentKey(row));
  const keyChanged = !newKey.every((v, i) => valuesEqual(v, key[i]));
  const cols = [...state.keyColumns.filter((_, i) => !valuesEqual(newKey[i], key[i])), ...changed];
  const oldValues: RowObject = {};
  const newValues: RowObject = {};
  for (const c of cols) {
    oldValues[c.name] = c.origin >= 0 ? ownCopy(store.get(row, c.origin)) : null;
    newValues[c.name] = ownCopy(state.value(row, c));
  }
  return {
    type: 'update',
    key,
    ...(keyChanged ? { newKey } : {}),
    columns: cols.map((c) => c.name),
    oldValues,
    newValues,
  };
}
