import * as aq from 'arquero';
import { rowidNameOf } from '../../src/schema/rowid-name';
import { applyAffinity, realToText } from '../../src/dialect/sqlite/affinity';
import { decodeValue, encodeValue, normalizeValue } from '../../src/values/codec';
import { kindOf, type ColumnKind } from '../../src/values/column-kind';
import type { CellValue } from '../../src/values/sql-value';
import { valuesEqual } from '../../src/values/values-equal';

/** A table configuration for model-based tests. */
export interface TableConfig {
  readonly name: string;
  /** Key columns, or 'rowid' for a table without a declared key. */
  readonly key: readonly string[] | 'rowid';
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export const CONFIGS: readonly TableConfig[] = [
  {
    name: 'items',
    key: ['id'],
    columns: [
      { name: 'id', type: 'INTEGER' },
      { name: 'n', type: 'INTEGER' },
      { name: 'r', type: 'REAL' },
      { name: 's', type: 'TEXT' },
      { name: 'b', type: 'BLOB' },
      { name: 'f', type: 'BOOLEAN' },
      { name: 'd', type: 'DATE' },
    ],
  },
  {
    name: 'pairs',
    key: ['k1', 'k2'],
    columns: [
      { name: 'k1', type: 'TEXT' },
      { name: 'k2', type: 'INTEGER' },
      { name: 'v', type: 'INTEGER' },
      { name: 's', type: 'TEXT' },
    ],
  },
  {
    // A one-column text key: rows found through the store's hash index, by strings such as '',
    // '04567' or 'n1' beside rows whose keys are numbers elsewhere.
    name: 'codes',
    key: ['code'],
    columns: [
      { name: 'code', type: 'TEXT' },
      { name: 'n', type: 'INTEGER' },
      { name: 's', type: 'TEXT' },
    ],
  },
  {
    name: 'notes',
    key: 'rowid',
    columns: [
      { name: 's', type: 'TEXT' },
      { name: 'n', type: 'INTEGER' },
    ],
  },
];

/** Raw material for a value of any kind. */
export interface Seed {
  readonly n: number;
  readonly s: string;
  readonly p: number;
}

/**
 * Texts that look like other things: numbers ('04567', '1e3', '1'), NULL, nothing, quotes,
 * characters beyond the BMP and combining ones, and the parts a key's token is made of ('n1'
 * spells the number 1 in one, 's1:' starts a one-character text; '|' separates elsewhere), so
 * that no two keys that differ can be told apart by accident.
 */
export const TEXTS = [
  '',
  'a',
  '04567',
  "O'Brien",
  'émoji 🎉',
  '1e3',
  ' 42 ',
  'x"y',
  'NULL',
  '1',
  'n1',
  's1:a',
  'a|b',
  'e\u0301',
  // Starts with a byte-order mark, which a default TextDecoder drops.
  '\ufeffmark',
  // Not a number to SQLite: no-break space is not its white space.
  '42\u00a0',
];

/** A canonical value of `kind` made from a seed (null one time in ten). */
export function valueFor(kind: ColumnKind, seed: Seed, nullable = true): CellValue {
  if (nullable && seed.p === 0) return null;
  switch (kind) {
    case 'integer':
    case 'numeric':
      // Beyond 2^53, and both ends of 64 bits.
      if (seed.p === 1) return 2n ** 60n + BigInt(seed.n);
      if (seed.p === 2 && seed.n % 5 === 0) return seed.n % 2 ? -(2n ** 63n) : 2n ** 63n - 1n;
      return seed.n;
    case 'real':
      return seed.p === 1 ? 0.1 : seed.p === 2 ? -1e300 : seed.n / 4;
    case 'text':
      return seed.s + (seed.p > 5 ? String(seed.n) : '');
    case 'blob':
      return new Uint8Array([seed.n & 255, seed.p]);
    case 'boolean':
      return seed.n % 2 === 0;
    case 'date':
      return new Date(Date.UTC(2020, 0, 1 + seed.n));
    case 'datetime':
      return new Date(Date.UTC(2020, 0, 1, 0, 0, seed.n));
    case 'any':
      // An untyped column keeps what it is given: integers beyond 2^53 stay integers only where
      // they are bound as such, beside text that reads as one.
      if (seed.p === 1) return 2n ** 60n + BigInt(seed.n);
      if (seed.p === 2) return seed.n % 2 ? -(2n ** 63n) : 2n ** 63n - 1n;
      if (seed.p === 3) return String(2n ** 60n + BigInt(seed.n));
      return seed.s;
  }
}

export interface ModelColumn {
  readonly name: string;
  readonly type: string;
  readonly kind: ColumnKind;
  readonly key: boolean;
  /** True for the rowid of a table without a declared key (exposed as a column, never stored). */
  readonly rowid?: boolean;
  /** The value rows inserted without one take. */
  readonly dflt?: CellValue;
}

export type ModelRow = Record<string, CellValue>;

/**
 * The property of a model row holding its identity: a stored row's position among the start rows,
 * or a number past them for an inserted row (in insertion order). Table order is identity order.
 */
export const ROW_ID = '#id';

/**
 * Pending changes are net by key (issue 16 item 2): a stored row that is gone while a live row
 * holds its stored key is that row again, holding the live row's values, and the live row's own
 * identity goes (a stored one may in turn be taken over). `storedKeys` are the start rows' keys by
 * identity.
 */
export function netByKey(model: Model, storedKeys: readonly (readonly CellValue[])[]): Model {
  let rows = model.rows;
  for (let changed = true; changed;) {
    changed = false;
    const alive = new Set(rows.map((r) => r[ROW_ID]));
    storedKeys.forEach((key, id) => {
      if (alive.has(id) || key.some((v) => v === null)) return;
      const holder = rows.find((r) =>
        keyOf(model, r).every((v, i) => v !== null && valuesEqual(v, key[i])),
      );
      if (!holder) return;
      rows = rows.map((r) => (r === holder ? { ...r, [ROW_ID]: id } : r));
      alive.delete(holder[ROW_ID]);
      alive.add(id);
      changed = true;
    });
  }
  if (rows === model.rows) return model;
  return { ...model, rows: [...rows].sort((a, b) => Number(a[ROW_ID]) - Number(b[ROW_ID])) };
}

/** The naive model: columns and an array of row objects. */
export interface Model {
  readonly cols: readonly ModelColumn[];
  readonly rows: readonly ModelRow[];
  /** Indexes created since the table was loaded (none when left out). */
  readonly indexes?: readonly ModelIndex[];
}

/** An index a model table has: its name and columns. */
export interface ModelIndex {
  readonly name: string;
  readonly cols: readonly string[];
}

export function columnsOf(config: TableConfig): ModelColumn[] {
  const keys = config.key === 'rowid' ? [] : config.key;
  const cols = config.columns.map((c) => ({
    name: c.name,
    type: c.type,
    kind: kindOf(c.type),
    key: keys.includes(c.name),
  }));
  return config.key === 'rowid'
    ? [
        { name: rowidKeyOf(config), type: 'INTEGER', kind: 'integer', key: true, rowid: true },
        ...cols,
      ]
    : cols;
}

/** The name a table without a declared key exposes its rowid under: one no column shadows. */
export function rowidKeyOf(config: TableConfig): string {
  return rowidNameOf(
    config.name,
    config.columns.map((c) => c.name),
  );
}

export function keyOf(model: Model, row: ModelRow): CellValue[] {
  return model.cols.filter((c) => c.key).map((c) => row[c.name] ?? null);
}

export function findRow(model: Model, key: readonly CellValue[]): number {
  return model.rows.findIndex((r) =>
    keyOf(model, r).every((v, i) => v !== null && valuesEqual(v, key[i])),
  );
}

/** Whether `value` can go into a column of `kind`. */
export function fits(kind: ColumnKind, value: CellValue): boolean {
  try {
    normalizeValue(kind, value);
    return true;
  } catch {
    return false;
  }
}

/** What a value becomes when its column changes type (SQLite's affinity conversion). */
export function convert(value: CellValue, from: ColumnKind, toType: string): CellValue {
  return decodeValue(
    kindOf(toType),
    applyAffinity(toType, encodeValue(from, value), from === 'real'),
  );
}

/**
 * Whether a value of kind `from` (integer, real or text) comes back unchanged when its column
 * changes to `toType` (INTEGER, REAL or TEXT) and back: numbers written as text come back; text
 * comes back only when it is the number's own form (not '01067', '1e3', ' 7', '7.0', '+7', nor
 * '2' made REAL, which comes back '2.0'); an integer made REAL only when a double holds it.
 */
export function convertsBack(value: CellValue, from: ColumnKind, toType: string): boolean {
  if (value === null) return true;
  const to = kindOf(toType);
  if (from === 'text' && typeof value === 'string') {
    const n = convert(value, from, toType);
    if (typeof n === 'string') return true;
    if (typeof n === 'bigint') return n.toString() === value;
    if (typeof n !== 'number') return false;
    return to === 'real' || !Number.isInteger(n) ? realToText(n) === value : String(n) === value;
  }
  if (to === 'text') return true;
  if (typeof value === 'bigint') return to !== 'real' || BigInt(Number(value)) === value;
  if (typeof value !== 'number') return false;
  return to === 'real' || Number.isInteger(value);
}

/** An Arquero table of the initial rows. */
export function initialTable(model: Model): aq.ColumnTable {
  const data: Record<string, CellValue[]> = {};
  for (const c of model.cols) data[c.name] = model.rows.map((r) => r[c.name] ?? null);
  return aq.table(data);
}
