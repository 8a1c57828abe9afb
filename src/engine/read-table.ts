import type { ColumnValues } from '../plan/execution-plan';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import type { ColumnarData, ProgressCallback } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import { decodeValue } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue, SqlValue } from '../values/sql-value';
import { rowidName } from '../dialect/sqlite/sqlite-rowid';
import { ExactStatement } from './exact-statement';
import { RowSelect } from './row-select';
import { rowOf, selectValue, type SqlDatabase, type SqlStatement } from './sqlite';

/** Rows between two progress reports. */
const PROGRESS_EVERY = 50_000;

/** Names and kinds of the columns a table is read with: its rowid first when it has no key. */
export function readColumns(info: TableInfo): {
  names: string[];
  kinds: ColumnKind[];
  sql: string[];
} {
  const rowid = info.key.kind === 'rowid';
  const names = [...(rowid ? [info.key.columns[0]!] : []), ...info.columns.map((c) => c.name)];
  const kinds: ColumnKind[] = [
    ...(rowid ? ['integer' as const] : []),
    ...info.columns.map((c) => c.kind),
  ];
  const sql = [...(rowid ? [rowidName(info)] : []), ...info.columns.map((c) => q(c.name))];
  return { names, kinds, sql };
}

/** Rows per chunk when a table is streamed (see `readTable`'s `onChunk`). */
export const CHUNK_ROWS = 100_000;

/**
 * Reads a whole table into columns decoded for Arquero (see {@link ColumnarData}). With `onChunk`,
 * the rows go to it in order, `CHUNK_ROWS` at a time, as they are read, and the result holds only
 * the names and the length: a reader on another thread can take a chunk in while the next is read.
 */
export function readTable(
  db: SqlDatabase,
  info: TableInfo,
  seq: number,
  onProgress?: ProgressCallback,
  onChunk?: (chunk: ColumnarData) => void,
): ColumnarData {
  const { names, kinds, sql } = readColumns(info);
  const total = Number(selectValue(db, `SELECT count(*) FROM ${q(info.name)}`));
  onProgress?.({ phase: 'read', done: 0, total });
  const select = new RowSelect(db, sql, kinds);
  const stmt = db.prepare(`SELECT ${select.sql} FROM ${q(info.name)}`);
  try {
    let length = 0;
    const progress = (done: number): void =>
      onProgress?.({ phase: 'read', done: length + done, total });
    if (!onChunk) {
      const columns = collect(stmt, kinds, select, progress, total);
      length = columns.length;
      onProgress?.({ phase: 'read', done: length, total });
      return { seq, names, columns: columns.values, length };
    }
    for (;;) {
      const part = collect(
        stmt,
        kinds,
        select,
        progress,
        Math.min(CHUNK_ROWS, total - length),
        CHUNK_ROWS,
      );
      if (part.length) onChunk({ names, columns: part.values, length: part.length });
      length += part.length;
      if (part.length < CHUNK_ROWS) break;
    }
    onProgress?.({ phase: 'read', done: length, total });
    return { seq, names, columns: names.map(() => []), length };
  } finally {
    stmt.free();
  }
}

/** One column being read: numbers go straight into a Float64Array until a non-number shows. */
class ColumnReader {
  numbers: Float64Array | null;
  values: CellValue[] | null = null;
  constructor(
    readonly kind: ColumnKind,
    capacity: number,
  ) {
    const decoded = kind === 'boolean' || kind === 'date' || kind === 'datetime';
    this.numbers = decoded ? null : new Float64Array(Math.max(16, capacity));
    if (decoded) this.values = [];
  }

  add(row: number, v: SqlValue): void {
    const numbers = this.numbers;
    if (numbers && typeof v === 'number') {
      if (row >= numbers.length) {
        const grown = new Float64Array(numbers.length * 2);
        grown.set(numbers);
        this.numbers = grown;
        grown[row] = v;
      } else numbers[row] = v;
      return;
    }
    if (numbers) {
      this.values = Array.from(numbers.subarray(0, row));
      this.numbers = null;
    }
    this.values!.push(
      this.kind === 'boolean' || this.kind === 'date' || this.kind === 'datetime'
        ? decodeValue(this.kind, v)
        : v,
    );
  }

  finish(length: number): CellValue[] | Float64Array {
    if (this.numbers)
      return this.numbers.length === length ? this.numbers : this.numbers.slice(0, length);
    return this.values!;
  }
}

/**
 * Steps a statement to its end (or `limit` rows), collecting columns decoded by `kinds` (typed
 * arrays where all numbers). `select` reads the rows, when the statement selects its list;
 * otherwise rows are read as they come.
 */
export function collect(
  stmt: SqlStatement,
  kinds: readonly ColumnKind[],
  select: RowSelect | null,
  progress?: (done: number) => void,
  expected = 0,
  limit = Infinity,
): { values: (CellValue[] | Float64Array)[]; length: number } {
  const width = kinds.length;
  const readers = kinds.map((k) => new ColumnReader(k, expected));
  let n = 0;
  while (n < limit && stmt.step()) {
    const row = select ? select.read(stmt) : rowOf(stmt);
    for (let c = 0; c < width; c++) readers[c]!.add(n, row[c] ?? null);
    if (++n % PROGRESS_EVERY === 0) progress?.(n);
  }
  return { values: readers.map((r) => r.finish(n)), length: n };
}

/** A Float64Array when every value is a number: smaller, transferable, fast to diff. */
export function packColumn(values: CellValue[]): CellValue[] | Float64Array {
  for (const v of values) if (typeof v !== 'number') return values;
  return Float64Array.from(values as number[]);
}

/** Rows by key, in the order given; keys that match no row are skipped. */
export function readRows(
  db: SqlDatabase,
  info: TableInfo,
  seq: number,
  keys: readonly ColumnValues[],
): ColumnarData {
  const { names, kinds, sql } = readColumns(info);
  const keySql = info.key.kind === 'rowid' ? [rowidName(info)] : info.key.columns.map(q);
  const select = new RowSelect(db, sql, kinds);
  const exact = new ExactStatement(
    db,
    `SELECT ${select.sql} FROM ${q(info.name)} WHERE ${keySql.map((k) => `${k} = ?`).join(' AND ')}`,
  );
  const out: CellValue[][] = kinds.map(() => []);
  let length = 0;
  try {
    const n = keys[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const stmt = exact.bind(keys.map((k) => k[i] ?? null));
      if (stmt.step()) {
        select.read(stmt).forEach((v, c) => out[c]!.push(decodeValue(kinds[c]!, v)));
        length++;
      }
      stmt.reset();
    }
  } finally {
    exact.free();
  }
  return { seq, names, columns: out.map(packColumn), length };
}
