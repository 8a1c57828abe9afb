import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';
import { nameForMessage } from '../errors/name-for-message';
import { inferTextColumn } from './infer-columns';
import { parseCsv } from './parse-csv';
import { jsonTable } from './json-table';
import { arrowTable } from './arrow-table';
import { checkSourceNames } from './check-source-names';
import type { CellValue } from '../values/sql-value';
import { kindOf } from '../values/column-kind';
import { ownField } from '../values/own-field';

/** Where the rows of a new table come from. */
export type TableSource =
  | ColumnTable
  | {
      /** CSV text with a header line; blank lines are skipped, a leading byte-order mark too. */
      readonly csv: string;
      /** One character other than a quote or a line break (default `,`). */
      readonly delimiter?: string;
    }
  | {
      /**
       * JSON text, an array of row objects or an object of column arrays. Strings stay strings
       * (no date parsing); the value given is copied, never changed.
       */
      readonly json: string | readonly object[] | Readonly<Record<string, readonly unknown[]>>;
    }
  | { readonly arrow: Uint8Array | ArrayBuffer };

/**
 * An Arquero table of a source, with types inferred from text where the source is text (CSV).
 * A CSV column that `explicit` (createTable's `types`) gives a text type keeps its fields as
 * written, `5` or `007` alike. A source of another shape, or one that does not parse, is refused
 * with `invalid_argument`.
 *
 * @example
 * ```ts
 * sourceTable({ csv: 'id,zip\n1,04567' }).types // { id: 'INTEGER', zip: 'TEXT' }
 * ```
 */
export function sourceTable(
  source: TableSource,
  explicit: Readonly<Record<string, string>> = {},
): {
  table: ColumnTable;
  types: Record<string, string>;
} {
  if (typeof source !== 'object' || source === null) throw badSource(source);
  if (isColumnTable(source)) return { table: source, types: {} };
  checkSourceFields(source);
  if ('csv' in source) return csvTable(source.csv, source.delimiter, explicit);
  if ('json' in source) return { table: jsonTable(source.json), types: {} };
  return { table: arrowTable(source.arrow), types: {} };
}

/**
 * Refuses a source object that is not exactly one of `{ csv, delimiter? }`, `{ json }` and
 * `{ arrow }`: a misspelt `delimter` was ignored and the text read with commas.
 */
function checkSourceFields(source: object): void {
  const keys = Object.keys(source);
  const kinds = keys.filter((k) => k === 'csv' || k === 'json' || k === 'arrow');
  if (kinds.length !== 1) throw badSource(source);
  const fields = kinds[0] === 'csv' ? ['csv', 'delimiter'] : [kinds[0]!];
  const extra = keys.find((k) => !fields.includes(k));
  if (extra !== undefined) {
    throw new PandalchemyError(
      'invalid_argument',
      `createTable()'s source { ${kinds[0]} } has no field ${nameForMessage(extra)}: its fields are ${fields.join(', ')}.`,
    );
  }
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
  explicit: Readonly<Record<string, string>>,
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
    const given = ownField(explicit, name);
    // A column declared text keeps its fields as text: inferred, `5` would be a number, which a
    // text column refuses (invalid_value).
    if (typeof given === 'string' && kindOf(given) === 'text') {
      data.set(
        name,
        columns[i]!.map((v) => (v === '' ? null : v)),
      );
      return;
    }
    const col = inferTextColumn(columns[i]!);
    types[name] = col.type;
    data.set(name, col.values);
  });
  return { table: aq.table(data), types };
}
