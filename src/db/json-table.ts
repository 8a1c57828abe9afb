import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { nameForMessage } from '../errors/name-for-message';
import { describeValue } from '../values/codec';
import { checkSourceNames } from './check-source-names';
import { ownField } from '../values/own-field';

/**
 * The Arquero table of a `{ json }` source: JSON text, an array of row objects or an object of
 * column arrays. Values are taken as they are: a string stays a string, even one that looks like a
 * date (Arquero's `fromJSON` made `"2024-01"` a Date unless told not to), and the caller's arrays
 * and objects are copied, never changed. Any other shape is `invalid_argument`.
 *
 * @example
 * ```ts
 * jsonTable('[{"id":1,"sku":"2024-01"}]').array('sku') // ['2024-01']
 * ```
 */
export function jsonTable(json: unknown): ColumnTable {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      bad(`the text does not parse (${e instanceof Error ? e.message : String(e)})`, e);
    }
  }
  if (Array.isArray(data)) return rowsTable(data);
  if (typeof data !== 'object' || data === null) return bad(`got ${describeValue(data)}`);
  const names = Object.keys(data);
  checkSourceNames(names, '{ json }');
  const columns = new Map<string, unknown[]>();
  for (const name of names) {
    const values: unknown = (data as Record<string, unknown>)[name];
    if (!Array.isArray(values)) bad(`column ${nameForMessage(name)} is not an array`);
    const copy = Array.from(values as unknown[]);
    if (columns.size && copy.length !== columns.values().next().value!.length)
      bad('the columns have different lengths');
    columns.set(name, copy);
  }
  return aq.table(columns);
}

function rowsTable(rows: readonly unknown[]): ColumnTable {
  // Every row's names, not only the first row's: a name that only later rows have is a column.
  const names = new Set<string>();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      bad(`row ${i} is ${describeValue(row)}, not an object`);
    for (const n of Object.keys(row as object)) names.add(n);
  });
  checkSourceNames([...names], '{ json }');
  const columns = new Map<string, unknown[]>();
  for (const name of names) {
    // Own properties only: a row without `constructor` has no value there, not Object's.
    columns.set(
      name,
      rows.map((row) => ownField(row as Record<string, unknown>, name)),
    );
  }
  return aq.table(columns);
}

function bad(why: string, cause?: unknown): never {
  throw new PandalchemyError(
    'invalid_argument',
    `{ json } takes an array of row objects or an object of column arrays: ${why}. Pass JSON text or a value of one of those shapes.`,
    {},
    cause,
  );
}
