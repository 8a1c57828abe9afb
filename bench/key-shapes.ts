import type { ColumnarData } from '../src/protocol/engine-api';
import type { CellValue } from '../src/values/sql-value';
import { benchData, COLUMNS } from './data';

/**
 * How the rows of an engine-side case are keyed: dense integers 1..N (a rowid table whose keys
 * are its positions, the friendliest case), gapped integers (still the rowid, but the table layer
 * must build a key index), scattered text (a separate index that SQLite must search), and a
 * two-column composite key of an integer and a text.
 */
export type KeyShape = 'dense' | 'gapped' | 'text' | 'composite';

/** Every key shape, in the order of the report. */
export const KEY_SHAPES: readonly KeyShape[] = ['dense', 'gapped', 'text', 'composite'];

/** The key columns of a shape, with their declared types. */
export function keyColumns(shape: KeyShape): readonly (readonly [string, string])[] {
  switch (shape) {
    case 'dense':
    case 'gapped':
      return [['id', 'INTEGER']];
    case 'text':
      return [['code', 'TEXT']];
    case 'composite':
      return [
        ['a', 'INTEGER'],
        ['b', 'TEXT'],
      ];
  }
}

/** The value columns every shape shares: the bench table's nine non-key columns. */
const VALUE_COLUMNS = COLUMNS.slice(1);

/** Every column of a shape's table, key columns first. */
export function shapeColumns(shape: KeyShape): readonly (readonly [string, string])[] {
  return [...keyColumns(shape), ...VALUE_COLUMNS];
}

/** The CREATE TABLE statement of a shape's table (a rowid table: the common case). */
export function shapeCreateSql(shape: KeyShape, table = 'bench'): string {
  const cols = shapeColumns(shape).map(([n, t]) => `"${n}" ${t}`);
  const key = keyColumns(shape).map(([n]) => `"${n}"`);
  return `CREATE TABLE "${table}" (${cols.join(', ')}, PRIMARY KEY (${key.join(', ')}))`;
}

/**
 * The key of the row at position `i` (0-based), one value per key column. Gapped integers grow by
 * 1 to 4; text keys are the row number in hex, reversed, so that key order is not row order.
 */
export function keyAt(shape: KeyShape, i: number): CellValue[] {
  switch (shape) {
    case 'dense':
      return [i + 1];
    case 'gapped':
      return [3 * i + 1 + (i % 3)];
    case 'text':
      return [`k${[...i.toString(16).padStart(6, '0')].reverse().join('')}`];
    case 'composite':
      return [i % 1000, `b${Math.floor(i / 1000)}`];
  }
}

/** The key of the `i`-th new row: none of them is a key of the `rows` rows of the table. */
export function newKeyAt(shape: KeyShape, rows: number, i: number): CellValue[] {
  switch (shape) {
    case 'dense':
      return [rows + 1 + i];
    case 'gapped':
      return [3 * rows + 10 + 2 * i];
    case 'text':
      return [`n${i}`];
    case 'composite':
      return [i % 1000, `new${Math.floor(i / 1000)}`];
  }
}

/** The rows of a shape's table: the bench table's values under the shape's keys. */
export function shapeData(shape: KeyShape, rows: number): ColumnarData {
  const base = benchData(rows);
  if (shape === 'dense') return base;
  const keys = keyColumns(shape).map(([, type]) =>
    type === 'INTEGER' ? new Float64Array(rows) : new Array<string>(rows),
  );
  for (let i = 0; i < rows; i++) {
    const key = keyAt(shape, i);
    keys.forEach((col, k) => ((col as (number | string)[])[i] = key[k] as number | string));
  }
  return {
    names: shapeColumns(shape).map(([n]) => n),
    columns: [...keys, ...base.columns.slice(1)],
    length: rows,
  };
}

/**
 * Positions of scattered rows: the `k`-th is `k * 7919 mod rows`, distinct for every k < rows
 * (7919 is a prime that divides no table size used here). Cases take updates and deletes from
 * disjoint ranges of k, so neither is a contiguous block.
 */
export function scatteredRow(rows: number, k: number): number {
  return (k * 7919) % rows;
}

/** The `i`-th inserted row of a shape, as a row object. */
export function newRow(shape: KeyShape, rows: number, i: number): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  const key = newKeyAt(shape, rows, i);
  keyColumns(shape).forEach(([n], k) => (row[n] = key[k]!));
  const values: CellValue[] = [i, 1.5, `new ${i}`, 'x', '00001', 1, 2, 'n', 0.5];
  VALUE_COLUMNS.forEach(([n], c) => (row[n] = values[c]!));
  return row;
}
