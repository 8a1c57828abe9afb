import { ColumnTable } from 'arquero';
import { PandalchemyError } from '../../errors/pandalchemy-error';
import { inferDeclaredType } from '../../values/infer-type';
import type { CellValue } from '../../values/sql-value';
import { valuesEqual } from '../../values/values-equal';
import { checkValue } from '../check-value';
import { columnReader } from '../column-view';
import { DropColumnMutation, RenameMutation } from '../mutations';
import { positionsOf, rowAt, scanPositions, type Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { writeColumn } from '../write-column';
import { diffByKey } from './diff-by-key';
import { diffColumnInPlace } from './diff-column-in-place';
import { addColumnState } from './schema-edits';

/** Options of a whole-table transform. */
export interface TransformOptions {
  /**
   * How rows of the result are matched with rows of the table: `key` (default) by key value (a
   * row whose key is new is an insert, a row missing from the result is deleted); `position` by
   * order (row i of the result updates row i of the table, so key values may change).
   */
  readonly match?: 'key' | 'position';
}

/** Reads a column by position (a snapshot's own views without copying their values). */
function reader(col: unknown): (p: number) => unknown {
  return columnReader(col).at;
}

/** A column's values at positions 0..n-1 as an array: the column itself when it is one. */
function arrayOf(col: unknown, n: number): ArrayLike<unknown> {
  const { array, at } = columnReader(col);
  if (array !== null) return array;
  const out = new Array<unknown>(n);
  for (let p = 0; p < n; p++) out[p] = at(p);
  return out;
}

function invalid(state: TableState, message: string): PandalchemyError {
  return new PandalchemyError('invalid_transform', message, { table: state.name });
}

/**
 * Applies an Arquero transform to the whole table and records the difference between its result
 * and the current state: a columnar keyed diff. When the result keeps the input's rows in place
 * (derive, assign, rename...), unchanged columns are recognised by identity and changed ones are
 * compared position by position in one pass, without looking up any key.
 */
export function transformTable(
  state: TableState,
  snapshot: Snapshot,
  fn: (table: ColumnTable) => ColumnTable,
  options: TransformOptions = {},
): void {
  if (typeof fn !== 'function') {
    throw invalid(state, `transform() takes a function from table to table; got ${typeof fn}.`);
  }
  if (options.match !== undefined && options.match !== 'key' && options.match !== 'position') {
    throw new PandalchemyError(
      'invalid_argument',
      `{ match: ${JSON.stringify(options.match)} } is not an option of transform(): use 'key' or 'position'.`,
      { table: state.name },
    );
  }
  const S = snapshot.table;
  const T = fn(S);
  if (!(T instanceof ColumnTable))
    throw invalid(
      state,
      'The transform must return an Arquero table: return the result of its verbs, such as t.derive({ ... }).',
    );
  const tNames = T.columnNames();
  for (const k of state.keyColumns) {
    if (!tNames.includes(k.name)) {
      throw invalid(
        state,
        `The result has no key column '${k.name}': keep key columns in the result.`,
      );
    }
  }
  const sNames = new Set(state.columns.map((c) => c.name));
  const tSet = new Set(tNames);
  // A column of the result that is the very array of a column missing from it was renamed.
  const renames = new Map<string, string>();
  for (const t of tNames) {
    if (sNames.has(t)) continue;
    const from = [...sNames].find(
      (s) => !tSet.has(s) && !renames.has(s) && S.column(s) === T.column(t),
    );
    if (from !== undefined) renames.set(from, t);
  }
  const renamedTo = new Set(renames.values());
  const drops = [...sNames].filter((s) => !tSet.has(s) && !renames.has(s));
  const adds = tNames.filter((t) => !sNames.has(t) && !renamedTo.has(t));
  const sourceOf = new Map<string, string>(tNames.map((t) => [t, t]));
  for (const [from, to] of renames) sourceOf.set(to, from);

  // The result shares the input's storage (derive, filter, rename, select...): rows are matched by
  // position without looking up a single key. (The input is never filtered: it holds live rows.)
  const shared =
    T.totalRows() === S.totalRows() &&
    state.keyColumns.every((k) => T.column(k.name) === S.column(k.name));
  const byPosition = !shared && options.match === 'position';
  if (byPosition && T.numRows() !== S.numRows()) {
    throw invalid(
      state,
      `Matching by position needs as many rows as the table (${S.numRows()}); the result has ${T.numRows()}.`,
    );
  }

  state.edit(
    'transform',
    () => 'transform',
    () => {
      for (const s of drops) {
        const col = state.column(s);
        if (state.isKeyColumn(col)) throw invalid(state, `The result drops key column '${s}'.`);
        state.record(new DropColumnMutation(col, state.columns.indexOf(col)));
      }
      for (const [from, to] of renames)
        state.record(new RenameMutation(state.column(from), from, to));
      for (const t of adds) {
        const values: unknown[] = [];
        const get = reader(T.column(t));
        scanPositions(T, (p) => values.push(get(p)));
        addColumnState(state, t, { type: inferDeclaredType(values, t) });
      }
      if (shared || byPosition) diffByPosition(state, snapshot, T, tNames, sourceOf, shared);
      else diffByKey(state, snapshot, T, tNames);
    },
  );
}

/**
 * Diffs a result whose rows line up with the input's: by shared storage position (`shared`), or
 * row i with row i (positional matching). Rows the result's filter drops are deleted.
 */
function diffByPosition(
  state: TableState,
  snapshot: Snapshot,
  T: ColumnTable,
  tNames: readonly string[],
  sourceOf: ReadonlyMap<string, string>,
  shared: boolean,
): void {
  const S = snapshot.table;
  // Every position is a live row of both: compare straight down the columns.
  const everyRow = shared && !T.mask();
  let sPos: number[] = [];
  let tPos: number[] = [];
  if (everyRow) {
    // positions are 0..n-1 in both tables
  } else if (shared) {
    const tMask = T.mask()!;
    const n = S.totalRows();
    for (let p = 0; p < n; p++) {
      if (tMask.get(p)) sPos.push(p);
      else state.remove(rowAt(snapshot, p));
    }
    tPos = sPos;
  } else {
    sPos = positionsOf(S);
    tPos = positionsOf(T);
  }
  // Key columns first, so that key checks of later columns see final keys.
  const ordered = [...tNames].sort((a, b) => Number(isKey(state, b)) - Number(isKey(state, a)));
  const total = S.totalRows();
  for (const name of ordered) {
    const col = state.column(name);
    const tCol = T.column(name);
    const sCol = S.column(sourceOf.get(name)!);
    if (shared && tCol === sCol) continue;
    if (everyRow && !state.isKeyColumn(col)) {
      diffColumnInPlace(
        state,
        snapshot,
        col,
        arrayOf(tCol, total),
        sCol ? (arrayOf(sCol, total) as ArrayLike<CellValue>) : undefined,
      );
      continue;
    }
    const getT = reader(tCol);
    const getS = sCol ? reader(sCol) : () => col.fill;
    const rows: number[] = [];
    const values: CellValue[] = [];
    const n = everyRow ? total : sPos.length;
    for (let i = 0; i < n; i++) {
      const sp = everyRow ? i : sPos[i]!;
      const a = getT(everyRow ? i : tPos[i]!);
      const b = getS(sp);
      if (a === b || valuesEqual(a as CellValue, b as CellValue)) continue;
      rows.push(rowAt(snapshot, sp));
      values.push(checkValue(state, col, a, rowAt(snapshot, sp) < 0));
    }
    if (rows.length) writeColumn(state, col, rows, values);
  }
}

function isKey(state: TableState, name: string): boolean {
  return state.keyColumns.some((k) => k.name === name);
}
