import { PandalchemyError } from '../errors/pandalchemy-error';
import { fastCanonical, normalizeValue } from '../values/codec';
import type { CellValue } from '../values/sql-value';
import { formatKey } from './format-key';
import type { TableState } from './table-state';

/**
 * A row's key as callers give it: the value itself for a single-column key (`5`, `'ab'`), an array
 * in key order or an object by column name for any key (`[1, 'x']`, `{ a: 1, b: 'x' }`).
 */
export type KeyInput = CellValue | readonly CellValue[] | Readonly<Record<string, CellValue>>;

function isPlainObject(v: unknown): v is Record<string, CellValue> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof Uint8Array)
  );
}

/** The canonical key values of a key input. */
export function toKey(state: TableState, input: KeyInput): CellValue[] {
  const cols = state.keyColumns;
  if (cols.length === 1 && (typeof input === 'number' || typeof input === 'string')) {
    const fast = fastCanonical(cols[0]!.kind, input);
    if (fast !== undefined) return [fast];
  }
  if (Array.isArray(input) && input.length === cols.length) {
    // A composite key given as an array of canonical values, the usual form: no closures, no
    // error contexts built. The array is made at its size: a single-cell edit keeps it for undo,
    // and an empty array's first push would make room for 17 values.
    const n = cols.length;
    const key = new Array<CellValue>(n);
    let i = 0;
    for (; i < n; i++) {
      const fast = fastCanonical(cols[i]!.kind, input[i]);
      if (fast === undefined) break;
      key[i] = fast;
    }
    if (i === n) return key;
  }
  let raw: unknown[];
  if (Array.isArray(input)) raw = input;
  else if (isPlainObject(input)) raw = cols.map((c) => input[c.name]);
  else raw = [input];
  if (raw.length !== cols.length) {
    throw new PandalchemyError(
      'invalid_argument',
      `Table '${state.name}' has a key of ${cols.length} column(s) (${cols.map((c) => c.name).join(', ')}); got ${raw.length} value(s). Pass one value per key column, in that order.`,
      { table: state.name },
    );
  }
  return cols.map((c, i) => {
    const v = raw[i];
    if (v === null || v === undefined) {
      throw new PandalchemyError(
        'null_key',
        `Key column '${c.name}' of table '${state.name}' cannot be NULL: give a key value.`,
        {
          table: state.name,
          column: c.name,
        },
      );
    }
    return normalizeValue(c.kind, v, { table: state.name, column: c.name });
  });
}

/**
 * A list of keys: for a single-column key an array of values (or one value); for a composite key an
 * array of arrays or objects (or one of them).
 */
export function toKeyList(state: TableState, input: KeyInput | readonly KeyInput[]): CellValue[][] {
  const composite = state.keyColumns.length > 1;
  if (!Array.isArray(input)) return [toKey(state, input as KeyInput)];
  const list = input as readonly KeyInput[];
  if (composite && list.length > 0 && !list.some((k) => Array.isArray(k) || isPlainObject(k))) {
    return [toKey(state, list as KeyInput)];
  }
  return list.map((k) => toKey(state, k));
}

/** The live row holding `key`, or a `row_not_found` error. */
export function requireRow(state: TableState, key: readonly CellValue[]): number {
  const row = state.find(key);
  if (row !== undefined) return row;
  throw new PandalchemyError(
    'row_not_found',
    `Table '${state.name}' has no row with key ${formatKey(key)}: check the key (rows deleted or not yet inserted have none).`,
    {
      table: state.name,
      key,
    },
  );
}
