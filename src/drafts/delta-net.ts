import type { RowChange } from '../table/row-changes';
import type { TableState } from '../table/table-state';
import type { RowObject } from '../values/sql-value';
import type { DeltaNet } from './draft-record';
import { invalid } from './restore-draft';
import type { ColumnState } from '../table/column-state';
import { valuesEqual } from '../values/values-equal';
import { setField } from '../values/set-field';

const NONE = 0;
const INSERT = 1;
const UPDATE = 2;
const REKEY = 3;
const DELETE = 4;

/**
 * The net change of each of `rows` now, as `rowChanges` reports it, flat: per row its kind and,
 * in `values`, its key, an update's new key, then the columns (an insert's: name and value; an
 * update's: name, old and new value; a delete's: the stored values, in `names` order). Flat
 * lists of values are what the structured clone copies fastest; an object per row and per value
 * map was most of a save. The values are the table's own: the clone copies them at once.
 */
export function encodeNet(state: TableState, rows: readonly number[]): DeltaNet {
  const kinds = new Int8Array(rows.length);
  const values: unknown[] = [];
  const store = state.store;
  const names = store.names;
  const keyCols = state.keyColumns;
  const storeKeys = store.keyColumns;
  // Only columns with edits can differ from the store: looked at once, not per row. A save runs
  // this for every row its edits touched: nothing below allocates per row (a key array, a filter,
  // a closure per row were a third of it in a profile).
  const edited = state.columns.filter((c) => c.cells.size > 0 || c.dense !== null);
  const editedKey = edited.some((c) => state.isKeyColumn(c));
  const changed: ColumnState[] = [];
  const was: unknown[] = [];
  const now: unknown[] = [];
  const moved: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row < 0) {
      if (!state.inserted.has(row)) continue;
      kinds[i] = INSERT;
      for (const c of keyCols) values.push(state.value(row, c));
      const at = values.push(0) - 1;
      let given = 0;
      for (const c of state.columns) {
        if (state.isUnset(row, c)) continue;
        given++;
        values.push(c.name, state.value(row, c));
      }
      values[at] = given;
      continue;
    }
    if (row >= store.length || store.isDead(row)) continue;
    if (state.deleted.has(row)) {
      kinds[i] = DELETE;
      for (const k of storeKeys) values.push(store.get(row, k));
      for (let c = 0; c < names.length; c++) values.push(store.get(row, c));
      continue;
    }
    // What rowChanges reports of an updated row: its key columns that changed, then the others.
    changed.length = 0;
    was.length = 0;
    now.length = 0;
    let rekeyed = false;
    for (const c of edited) {
      const v = state.value(row, c);
      const b = state.baseline(row, c);
      if (valuesEqual(v, b)) continue;
      if (editedKey && state.isKeyColumn(c)) rekeyed = true;
      else {
        changed.push(c);
        // The stored value is the baseline unless a type change converted it.
        was.push(c.origin < 0 ? null : c.base === null ? b : store.get(row, c.origin));
        now.push(v);
      }
    }
    moved.length = 0;
    if (rekeyed) {
      for (let k = 0; k < keyCols.length; k++) {
        if (!valuesEqual(state.value(row, keyCols[k]!), store.get(row, storeKeys[k]!)))
          moved.push(k);
      }
    }
    if (moved.length === 0 && changed.length === 0) continue;
    kinds[i] = moved.length ? REKEY : UPDATE;
    for (const k of storeKeys) values.push(store.get(row, k));
    if (moved.length) for (const c of keyCols) values.push(state.value(row, c));
    values.push(moved.length + changed.length);
    for (const k of moved) {
      const c = keyCols[k]!;
      values.push(c.name, store.get(row, c.origin), state.value(row, c));
    }
    for (let k = 0; k < changed.length; k++) values.push(changed[k]!.name, was[k], now[k]);
  }
  return { rows: Int32Array.from(rows), kinds, values, keyLength: keyCols.length, names };
}

/** The row changes of a delta's net, by row (null: the row is as stored). Throws `draft_invalid`. */
export function decodeNet(net: DeltaNet): Map<number, RowChange | null> {
  if (
    !(net.rows instanceof Int32Array) ||
    !(net.kinds instanceof Int8Array) ||
    net.rows.length !== net.kinds.length ||
    !Array.isArray(net.values) ||
    !Array.isArray(net.names) ||
    typeof net.keyLength !== 'number'
  )
    throw invalid('the net changes of an appended save are malformed');
  const v = net.values;
  let at = 0;
  const take = (n: number): unknown[] => {
    if (at + n > v.length) throw invalid('the net changes of an appended save are cut short');
    const out = v.slice(at, at + n);
    at += n;
    return out;
  };
  const out = new Map<number, RowChange | null>();
  net.rows.forEach((row, i) => {
    const kind = net.kinds[i]!;
    if (kind === NONE) return void out.set(row, null);
    const key = take(net.keyLength) as RowChange['key'];
    if (kind === DELETE) {
      const oldValues: RowObject = {};
      const stored = take(net.names.length);
      net.names.forEach((n, k) => setField(oldValues, n, stored[k] as RowObject[string]));
      out.set(row, { type: 'delete', key, columns: [...net.names], oldValues, newValues: null });
      return;
    }
    if (kind !== INSERT && kind !== UPDATE && kind !== REKEY)
      throw invalid('a net change is of unknown kind');
    const newKey = kind === REKEY ? (take(net.keyLength) as RowChange['key']) : null;
    const [count] = take(1);
    if (typeof count !== 'number') throw invalid('a net change is malformed');
    const columns: string[] = [];
    const oldValues: RowObject = {};
    const newValues: RowObject = {};
    for (let k = 0; k < count; k++) {
      const [name] = take(1);
      if (typeof name !== 'string') throw invalid('a net change is malformed');
      columns.push(name);
      if (kind !== INSERT) setField(oldValues, name, take(1)[0] as RowObject[string]);
      setField(newValues, name, take(1)[0] as RowObject[string]);
    }
    out.set(
      row,
      kind === INSERT
        ? { type: 'insert', key, columns, oldValues: null, newValues }
        : { type: 'update', key, ...(newKey ? { newKey } : {}), columns, oldValues, newValues },
    );
  });
  return out;
}
