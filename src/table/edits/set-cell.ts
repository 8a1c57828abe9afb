import { PandalchemyError } from '../../errors/pandalchemy-error';
import { describeValue, fastCanonical } from '../../values/codec';
import { checkCellValue, checkValue } from '../check-value';
import { formatKey } from '../format-key';
import { requireRow, toKey, type KeyInput } from '../key-input';
import type { TableState } from '../table-state';
import type { CellValue } from '../../values/sql-value';

/** One cell edit: the row's key, the column, the new value. */
export interface CellEdit {
  readonly key: KeyInput;
  readonly column: string;
  readonly value: unknown;
}

/** Sets one cell. O(1): no diff, no copy. */
export function setCell(state: TableState, key: KeyInput, column: string, value: unknown): void {
  const col = state.column(column);
  let v: CellValue;
  try {
    v = checkValue(state, col, value);
  } catch (e) {
    // Checked before the row is looked up, as the common case wants; a value the column's type
    // refuses may still be the cell's own (see checkCellValue).
    const row = rowOf(state, key);
    if (row === undefined) throw e;
    v = checkCellValue(state, row, col, value);
  }
  const keyColumns = state.keyColumns;
  if (keyColumns.length === 1 && (typeof key === 'number' || typeof key === 'string')) {
    // The hot path: a one-column key given as its canonical value, looked up as it is.
    const k = fastCanonical(keyColumns[0]!.kind, key);
    const row = k === undefined ? undefined : state.findOne(k);
    if (row !== undefined) return state.editCell(row, col, v, k!);
  }
  const k = toKey(state, key);
  state.editCell(requireRow(state, k), col, v, k);
}

/** The live row `key` names, or undefined for one no row holds or a key that is not one. */
function rowOf(state: TableState, key: KeyInput): number | undefined {
  try {
    return state.find(toKey(state, key));
  } catch {
    return undefined;
  }
}

/**
 * Sets many cells as one operation: all or none. Keys name rows as they were when the call began
 * (so that one call can swap keys); a key no row held then names the row an earlier edit of the
 * call gave it. Keys must be unique when the call ends.
 */
export function setCells(state: TableState, edits: readonly CellEdit[]): void {
  if (!Array.isArray(edits)) {
    throw new PandalchemyError(
      'invalid_argument',
      `setCells() takes an array of { key, column, value }; got ${describeValue(edits)}.`,
      { table: state.name },
    );
  }
  for (const e of edits as unknown[]) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      throw new PandalchemyError(
        'invalid_argument',
        `setCells() takes an array of { key, column, value }; one of them is ${describeValue(e)}.`,
        { table: state.name },
      );
    }
  }
  const keys = edits.map((e) => toKey(state, e.key));
  const rows = keys.map((k) => state.find(k));
  state.edit(
    'setCells',
    () => `set ${edits.length} cell(s)`,
    () => {
      edits.forEach((e, i) => {
        const col = state.column(e.column);
        const row = rows[i] ?? requireRow(state, keys[i]!);
        state.write(row, col, checkCellValue(state, row, col, e.value));
      });
    },
  );
}

/** Sets several columns of one row. */
export function updateRow(
  state: TableState,
  key: KeyInput,
  values: Readonly<Record<string, unknown>>,
): void {
  checkColumnValues(state, values, 'update()');
  const k = toKey(state, key);
  const row = requireRow(state, k);
  state.edit(
    'updateRow',
    () => `update row ${formatKey(k)}`,
    () => {
      for (const [name, value] of Object.entries(values)) {
        const col = state.column(name);
        state.write(row, col, checkCellValue(state, row, col, value));
      }
    },
  );
}

/** Checks that `values` is an object of values by column name, as `update()` takes. */
export function checkColumnValues(state: TableState, values: unknown, what: string): void {
  if (typeof values === 'object' && values !== null && !Array.isArray(values)) return;
  throw new PandalchemyError(
    'invalid_argument',
    `${what} takes an object of values by column name; got ${describeValue(values)}. Pass one such as { name: 'Ada' }.`,
    { table: state.name },
  );
}
