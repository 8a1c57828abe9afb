import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { CellValue } from '../../values/sql-value';
import { valuesEqual } from '../../values/values-equal';
import type { KeyToken } from '../../values/key-hash';
import { checkValue } from '../check-value';
import { columnReader } from '../column-view';
import type { ColumnState } from '../column-state';
import { formatKey } from '../format-key';
import { ColumnValuesMutation } from '../mutations';
import type { ColumnArray } from '../row-store';
import { scanPositions, type Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { DENSE_SHARE, writeColumn } from '../write-column';
import { insertValues, rowValues } from './insert-rows';
import { sameValues } from './same-values';

/** A result row whose key no row of the table holds: it is inserted. */
const NEW_ROW = -0x80000000;

/**
 * Diffs a transform's result whose rows are matched with the table's by key. The result's keys are
 * looked up once (the store's index, or arithmetic for dense integer keys), giving each result row
 * its table row in a typed array; then each column is compared straight down its array against
 * the current values, and a column changed in most rows becomes one new array rather than a
 * million cell edits. Result rows with a new key are inserted, table rows no result row matched
 * are deleted.
 */
export function diffByKey(
  state: TableState,
  snapshot: Snapshot,
  T: ColumnTable,
  tNames: readonly string[],
): void {
  const cols = tNames.map((n) => state.column(n));
  const positions = positionsOf(T);
  // A table rebuilt from this one in its order (data sent back by a server, a file, a join)
  // holds row i's key at position i: then no key is looked up, no row-to-row array is needed
  // unless a column changes, and unchanged columns cost one typed loop each.
  const inOrder = positions === null && keysInPlace(state, snapshot, T);
  const { rowOf, taken, takenInserted } = inOrder
    ? { rowOf: null, taken: null, takenInserted: new Set<number>() }
    : matchRows(state, snapshot, T, positions);
  const m = rowOf === null ? state.store.length : rowOf.length;
  // Table rows no result row holds the key of.
  const gone: number[] = [];
  const { slots, stored } = snapshot;
  for (let p = 0; p < stored && taken !== null; p++) {
    const row = slots === null ? p : slots[p]!;
    if (taken[row] === 0) gone.push(row);
  }
  for (const row of snapshot.inserted) if (!takenInserted.has(row)) gone.push(row);
  for (const row of gone) state.remove(row);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c]!;
    // Rows were matched on the key: its values are equal by construction.
    if (state.isKeyColumn(col)) continue;
    const tColumn = T.column(tNames[c]!);
    if (inOrder) {
      const given = columnReader(tColumn).array;
      const current = storedArray(state, col);
      if (given !== null && current !== null && sameValues(given, current, state.store.length))
        continue;
    }
    diffColumn(state, col, tColumn, positions, rowOf, m);
  }
  if (rowOf !== null) appendNewRows(state, T, tNames, positions, rowOf);
}

/** The current values of `col`'s stored rows as one array, by slot, when they are (no cell edits). */
function storedArray(state: TableState, col: ColumnState): ColumnArray | null {
  if (col.cells.size !== 0) return null;
  return col.dense ?? col.base ?? (col.origin >= 0 ? state.store.raw(col.origin) : null);
}

/**
 * Whether the result holds, at each position i, the key the table's stored row i holds, for every
 * stored row and nothing more: read from plain arrays on both sides, one loop per key column that
 * stops at the first difference. (A key identical to a stored one is valid as it is, and stored
 * keys are unique: no check and no duplicate test is needed.)
 */
function keysInPlace(state: TableState, snapshot: Snapshot, T: ColumnTable): boolean {
  const n = state.store.length;
  if (snapshot.slots !== null || snapshot.stored !== n || T.numRows() !== n) return false;
  for (const k of state.keyColumns) {
    const given = columnReader(T.column(k.name)).array;
    const current = storedArray(state, k);
    if (given === null || current === null || !sameKeys(given, current, n)) return false;
  }
  return true;
}

function sameKeys(given: ArrayLike<unknown>, current: ArrayLike<unknown>, n: number): boolean {
  if (given.length < n || current.length < n) return false;
  // A Float64Array holds no null (NaN is no key: SQLite stores it as NULL).
  if (current instanceof Float64Array) return sameValues(given, current, n);
  for (let i = 0; i < n; i++) {
    const b = current[i];
    if (b === null || b === undefined || given[i] !== b) return false;
  }
  return true;
}

/** Inserts the result rows whose key no row of the table holds. */
function appendNewRows(
  state: TableState,
  T: ColumnTable,
  tNames: readonly string[],
  positions: Int32Array | null,
  rowOf: Int32Array,
): void {
  for (let i = 0; i < rowOf.length; i++) {
    if (rowOf[i] !== NEW_ROW) continue;
    const row: Record<string, unknown> = {};
    const p = positions === null ? i : positions[i]!;
    tNames.forEach((name) => (row[name] = columnReader(T.column(name)).at(p)));
    insertValues(state, rowValues(state, row));
  }
}

/**
 * The raw positions `T` keeps, in order; null for an unfiltered table, whose positions are
 * 0..n-1 (no 4 MB array for a million rows: a fresh one costs a page fault per page).
 */
function positionsOf(T: ColumnTable): Int32Array | null {
  if (!T.isFiltered()) return null;
  const out = new Int32Array(T.numRows());
  let i = 0;
  scanPositions(T, (p) => (out[i++] = p));
  return out;
}

/** A result row not matched yet (never a row: stored rows are >= 0, inserted ones small negatives). */
const UNDECIDED = -0x7fffffff;

/**
 * The first pass of {@link matchRows} for a one-column key read from plain arrays on both sides:
 * each result row whose key is the very value the table's stored row at the same position holds
 * is matched with that row, in one loop over two arrays (a value identical to a stored key is
 * a valid key as it is: nothing to check). Every other result row is left UNDECIDED for the full
 * match. Returns false, matching nothing, when either side is not a plain array.
 */
function matchInPlace(
  state: TableState,
  snapshot: Snapshot,
  T: ColumnTable,
  positions: Int32Array | null,
  rowOf: Int32Array,
  taken: Uint8Array,
): boolean {
  const k = state.keyColumns[0]!;
  const given = columnReader(T.column(k.name)).array;
  const current =
    k.cells.size === 0
      ? (k.dense ?? k.base ?? (k.origin >= 0 ? state.store.raw(k.origin) : null))
      : null;
  if (given === null || current === null) return false;
  const { slots, stored } = snapshot;
  const m = rowOf.length;
  rowOf.fill(UNDECIDED);
  const n = Math.min(m, stored);
  for (let i = 0; i < n; i++) {
    const row = slots === null ? i : slots[i]!;
    const b = current[row];
    if (b === null || b === undefined || given[positions === null ? i : positions[i]!] !== b)
      continue;
    rowOf[i] = row;
    taken[row] = 1;
  }
  return true;
}

/**
 * The table row of each result row (by its position in `positions`), or NEW_ROW. A key held by two
 * result rows is refused.
 *
 * A result row is first compared with the table's row at the same position (of `snapshot`): a
 * table rebuilt from this one in its order (data sent back by a server, a join, a rebuilt column)
 * holds the same key there, and its rows are matched by reading both keys in order, without a
 * lookup in the key index (a cache miss per row over a big table, and a hash per text key).
 */
function matchRows(
  state: TableState,
  snapshot: Snapshot,
  T: ColumnTable,
  positions: Int32Array | null,
): { rowOf: Int32Array; taken: Uint8Array; takenInserted: Set<number> } {
  const keyCols = state.keyColumns;
  const readers = keyCols.map((k) => columnReader(T.column(k.name)).at);
  const currentKeys = keyCols.map((k) => state.slotReader(k));
  const { slots, stored, inserted } = snapshot;
  const shown = stored + inserted.length;
  /** The table row at position `i` of the snapshot when it holds `key`, else undefined. */
  const atPosition = (i: number, key: readonly CellValue[]): number | undefined => {
    if (i >= shown) return undefined;
    const row = i < stored ? (slots === null ? i : slots[i]!) : inserted[i - stored]!;
    for (let k = 0; k < key.length; k++) {
      const v = row >= 0 ? currentKeys[k]!(row) : state.value(row, keyCols[k]!);
      if (v !== key[k] && !valuesEqual(v, key[k])) return undefined;
    }
    return row;
  };
  const m = positions === null ? T.numRows() : positions.length;
  const rowOf = new Int32Array(m);
  const taken = new Uint8Array(state.store.length);
  const takenInserted = new Set<number>();
  const newKeys = new Set<KeyToken>();
  const duplicate = (key: readonly CellValue[]): PandalchemyError =>
    new PandalchemyError(
      'duplicate_key',
      `The result has two rows with key ${formatKey(key)}: a transform must keep keys unique.`,
      { table: state.name, key: [...key] },
    );
  const single = keyCols.length === 1 ? keyCols[0]! : null;
  const matched = single !== null && matchInPlace(state, snapshot, T, positions, rowOf, taken);
  const key = new Array<CellValue>(keyCols.length);
  for (let i = 0; i < m; i++) {
    if (matched && rowOf[i] !== UNDECIDED) continue;
    const p = positions === null ? i : positions[i]!;
    let row: number | undefined;
    let hasNull = false;
    if (single !== null) {
      const v = checkValue(state, single, readers[0]!(p), true);
      key[0] = v;
      hasNull = v === null;
      if (!hasNull) row = atPosition(i, key) ?? state.findOne(v);
    } else {
      for (let k = 0; k < keyCols.length; k++) {
        const v = checkValue(state, keyCols[k]!, readers[k]!(p), true);
        key[k] = v;
        hasNull ||= v === null;
      }
      if (!hasNull) row = atPosition(i, key) ?? state.find(key);
    }
    if (row === undefined) {
      // A new row: its key (when it has one: the database may assign it) must be new in the result.
      if (!hasNull) {
        const token = state.tokenOf(key);
        if (newKeys.has(token)) throw duplicate(key);
        newKeys.add(token);
      }
      rowOf[i] = NEW_ROW;
      continue;
    }
    if (row >= 0 ? taken[row] === 1 : takenInserted.has(row)) throw duplicate(key);
    if (row >= 0) taken[row] = 1;
    else takenInserted.add(row);
    rowOf[i] = row;
  }
  return { rowOf, taken, takenInserted };
}

/**
 * Compares one column of the result with the current values of the rows matched, and writes it.
 * `rowOf` is the table row of each of the `m` result rows; null when result row i is stored row i.
 */
function diffColumn(
  state: TableState,
  col: ColumnState,
  tColumn: unknown,
  positions: Int32Array | null,
  rowOf: Int32Array | null,
  m: number,
): void {
  const { array, at } = columnReader(tColumn);
  const current = state.slotReader(col);
  // The current values of stored rows as one array, when they are (the common case): indexed
  // directly below, rather than through a reader per cell.
  const own = col.dense ?? col.base;
  const plain =
    col.cells.size === 0 ? (own ?? (col.origin >= 0 ? state.store.raw(col.origin) : null)) : null;
  if (plain instanceof Float64Array && array instanceof Float64Array) {
    const dense = numericColumn(state, col, array, plain, positions, rowOf, m);
    if (dense === NO_CHANGE) return;
    if (dense !== null) {
      state.record(new ColumnValuesMutation(col, col.dense, col.cells, dense, new Map()));
      return;
    }
  }
  // A first pass only counts, so that a column changed in most rows is built once, by slot.
  let changedStored = 0;
  let changedInserted = false;
  for (let i = 0; i < m; i++) {
    const row = rowOf === null ? i : rowOf[i]!;
    if (row === NEW_ROW) continue;
    const p = positions === null ? i : positions[i]!;
    const a = (array !== null ? array[p] : at(p)) as CellValue;
    const b =
      row >= 0 ? (plain !== null ? (plain[row] ?? null) : current(row)) : state.value(row, col);
    if (a === b || valuesEqual(a, b)) continue;
    if (row >= 0) changedStored++;
    else changedInserted = true;
  }
  if (changedStored === 0 && !changedInserted) return;
  const n = state.store.length;
  if (changedStored < n * DENSE_SHARE) {
    const rows: number[] = [];
    const values: CellValue[] = [];
    for (let i = 0; i < m; i++) {
      const row = rowOf === null ? i : rowOf[i]!;
      if (row === NEW_ROW) continue;
      const p = positions === null ? i : positions[i]!;
      const a = (array !== null ? array[p] : at(p)) as CellValue;
      const b =
        row >= 0 ? (plain !== null ? (plain[row] ?? null) : current(row)) : state.value(row, col);
      if (a === b || valuesEqual(a, b)) continue;
      rows.push(row);
      values.push(checkValue(state, col, a, row < 0));
    }
    writeColumn(state, col, rows, values);
    return;
  }
  // Most stored rows change: the column's new values by slot, numbers in a Float64Array while
  // every value is one.
  let dense: ColumnArray =
    numericCopy(state, col, current, n) ?? Array.from({ length: n }, (_, r) => current(r));
  const inserted: { row: number; value: CellValue }[] = [];
  for (let i = 0; i < m; i++) {
    const row = rowOf === null ? i : rowOf[i]!;
    if (row === NEW_ROW) continue;
    const p = positions === null ? i : positions[i]!;
    const a = (array !== null ? array[p] : at(p)) as CellValue;
    const b =
      row >= 0 ? (plain !== null ? (plain[row] ?? null) : current(row)) : state.value(row, col);
    if (a === b || valuesEqual(a, b)) continue;
    const v = checkValue(state, col, a, row < 0);
    if (row < 0) inserted.push({ row, value: v });
    else if (dense instanceof Float64Array && typeof v !== 'number') {
      dense = Array.from(dense as ArrayLike<CellValue>);
      dense[row] = v;
    } else dense[row] = v as never;
  }
  state.record(new ColumnValuesMutation(col, col.dense, col.cells, dense, new Map()));
  for (const { row, value } of inserted) state.write(row, col, value);
}

const NO_CHANGE = 'no change';

/**
 * {@link diffColumn} for numbers on both sides (a Float64Array of the result against the one the
 * stored rows read): the column's new values by slot in one typed pass, with no value boxed or
 * looked at twice. NO_CHANGE when no stored row's value changes; null, having changed nothing,
 * when the general path must decide: few rows change (single edits), a result row is an inserted
 * one, or a value needs the full check (NaN, a non-integer for an integer column).
 */
function numericColumn(
  state: TableState,
  col: ColumnState,
  given: Float64Array,
  plain: Float64Array,
  positions: Int32Array | null,
  rowOf: Int32Array | null,
  m: number,
): Float64Array | typeof NO_CHANGE | null {
  const real = col.kind === 'real';
  if (!real && col.kind !== 'integer' && col.kind !== 'numeric') return null;
  const n = state.store.length;
  let changed = 0;
  for (let i = 0; i < m; i++) {
    const row = rowOf === null ? i : rowOf[i]!;
    if (row === NEW_ROW) continue;
    if (row < 0) return null;
    const a = given[positions === null ? i : positions[i]!]!;
    const b = plain[row]!;
    if (a === b || (a !== a && b !== b)) continue;
    // The canonical forms the full check would give: a real that is a number, a safe integer.
    if (real ? a !== a : !Number.isSafeInteger(a)) return null;
    changed++;
  }
  if (changed === 0) return NO_CHANGE;
  if (changed < n * DENSE_SHARE) return null;
  const dense = plain.slice(0, n);
  for (let i = 0; i < m; i++) {
    const row = rowOf === null ? i : rowOf[i]!;
    if (row === NEW_ROW) continue;
    const a = given[positions === null ? i : positions[i]!]!;
    // An equal value keeps the current one (0 and -0, NaN); a new -0 is stored as 0 (see
    // fastCanonical).
    if (a === dense[row] || a !== a) continue;
    dense[row] = a === 0 ? 0 : a;
  }
  return dense;
}

/** The current values of a numeric column's stored rows as a Float64Array, or null (a non-number). */
function numericCopy(
  state: TableState,
  col: ColumnState,
  current: (row: number) => CellValue,
  n: number,
): Float64Array | null {
  if (col.kind !== 'real' && col.kind !== 'integer' && col.kind !== 'numeric') return null;
  // Values straight from a numeric array: one block copy.
  const own = col.cells.size === 0 ? (col.dense ?? col.base) : null;
  const raw =
    col.cells.size === 0 && own === null && col.origin >= 0 ? state.store.raw(col.origin) : own;
  if (raw instanceof Float64Array) return raw.slice(0, n);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = current(r);
    if (typeof v !== 'number') return null;
    out[r] = v;
  }
  return out;
}
