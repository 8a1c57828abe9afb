import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { nameForMessage } from '../errors/name-for-message';
import { describeValue } from '../values/codec';
import { inferTextColumn } from './infer-columns';
import { parseCsv } from './parse-csv';
import { checkSourceNames } from './check-source-names';
import type { CellValue } from '../values/sql-value';

/** Where the rows of a new table come from. */
export type TableSource =
  | ColumnTable
  | {
      /** CSV text with a header line; blank lines are skipped, a leading byte-order mark too. */
      readonly csv: string;
      /** One character other than a quote or a line break (default `,`). */
      readonly delimiter?: string;
    }
  | { readonly json: string | readonly object[] }
  | { readonly arrow: Uint8Array | ArrayBuffer };

/**
 * An Arquero table of a source, with types inferred from text where the source is text (CSV).
 * A source of another shape, or one that does not parse, is refused with `invalid_argument`.
 *
 * @example
 * ```ts
 * sourceTable({ csv: 'id,zip\n1,04567' }).types // { id: 'INTEGER', zip: 'TEXT' }
 * ```
 */
export function sourceTable(source: TableSource): {
  table: ColumnTable;
  types: Record<string, string>;
} {
  if (typeof source !== 'object' || source === null) throw badSource(source);
  if ('csv' in source) return csvTable(source.csv, source.delimiter);
  if ('json' in source) return { table: jsonTable(source.json), types: {} };
  if ('arrow' in source) return { table: arrowTable(source.arrow), types: {} };
  if (!isColumnTable(source)) throw badSource(source);
  return { table: source, types: {} };
}

function badSource(source: unknown): PandalchemyError {
  return new PandalchemyError(
    'invalid_argument',
    `createTable() takes an Arquero table, { csv }, { json } or { arrow }; got ${describeValue(source)}. Pass one of those.`,
  );
}

function isColumnTable(value: object): value is ColumnTable {
  const t = value as Partial<ColumnTable>;
  return typeof t.columnNames === 'function' && typeof t.numRows === 'function';
}

function csvTable(
  csv: unknown,
  delimiter: unknown,
): { table: ColumnTable; types: Record<string, string> } {
  if (typeof csv !== 'string') {
    throw new PandalchemyError(
      'invalid_argument',
      `{ csv } takes the CSV text as a string; got ${describeValue(csv)}.`,
    );
  }
  const { names, columns } = parseCsv(csv, delimiter);
  checkSourceNames(names, 'The CSV header');
  // A null-prototype record and a Map: a column may be named like an Object.prototype member.
  const types: Record<string, string> = Object.create(null) as Record<string, string>;
  const data = new Map<string, CellValue[]>();
  names.forEach((name, i) => {
    const col = inferTextColumn(columns[i]!);
    types[name] = col.type;
    data.set(name, col.values);
  });
  return { table: aq.table(data), types };
}

function jsonTable(json: unknown): ColumnTable {
  const bad = (why: string, cause?: unknown): never => {
    throw new PandalchemyError(
      'invalid_argument',
      `{ json } takes an array of row objects or an object of column arrays: ${why}. Pass JSON text or a value of one of those shapes.`,
      {},
      cause,
    );
  };
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      bad(`the text does not parse (${e instanceof Error ? e.message : String(e)})`, e);
    }
  }
  if (Array.isArray(data)) {
    // Every row's names, not only the first row's: a name that only later rows have is a column.
    const names = new Set<string>();
    data.forEach((row: unknown, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        bad(`row ${i} is ${describeValue(row)}, not an object`);
      for (const n of Object.keys(row as object)) names.add(n);
    });
    return aq.fromJSON(data as never, { type: 'rows', columns: [...names] });
  }
  if (typeof data !== 'object' || data === null) return bad(`got ${describeValue(data)}`);
  const columns = Object.entries(data);
  for (const [n, values] of columns) {
    if (!Array.isArray(values)) bad(`column ${nameForMessage(n)} is not an array`);
    if ((values as unknown[]).length !== (columns[0]![1] as unknown[]).length)
      bad('the columns have different lengths');
  }
  return aq.fromJSON(data as never, { type: 'columns' });
}

function arrowTable(bytes: unknown): ColumnTable {
  try {
    return aq.fromArrow(bytes as Uint8Array);
  } catch (e) {
    throw new PandalchemyError(
      'invalid_argument',
      `{ arrow } takes Arrow IPC bytes (table.toArrowIPC()); these cannot be read (${(e instanceof Error ? e.message : String(e)).replace(/\.+$/, '')}). Pass the bytes of an Arrow IPC stream or file.`,
      {},
      e,
    );
  }
}
