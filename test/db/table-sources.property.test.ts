import * as fl from '@uwdata/flechette';
import * as aq from 'arquero';
import * as fc from 'fast-check';
import { expect, test } from 'vitest';
import type { TableSource } from '../../src/db/table-source';
import type { CreateTableOptions } from '../../src/db/create-table-options';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/*
 * Any table of names and values, given to createTable() as an Arquero table, JSON rows, JSON
 * text, CSV text (types naming its text columns) and Arrow bytes, reads back from table() as
 * given, after reopening too: names like `constructor`, text that looks like a number or a date,
 * quotes, delimiters and line breaks in fields, integers past 2^53 (as BigInt, where the source
 * can carry one), doubles, NULLs and columns of only NULLs.
 */

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 30);

type Kind = 'text' | 'integer' | 'real' | 'bigint';
type Value = string | number | bigint | null;
interface Column {
  readonly name: string;
  readonly kind: Kind;
  readonly values: readonly Value[];
}

const nameArb = fc
  .oneof(
    fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'),
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
  )
  .filter((n) => !n.includes('\0') && n !== '__proto__' && !/^(rowid|_rowid_|oid)$/i.test(n));

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ', '\uFEFF', 'é', '5', '-') }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('2024-01', '2024-01-01', '2024-01-01T10:00:00Z', '007', '1.50', 'true', ''),
);
const valuesOf = (kind: Kind, rows: number): fc.Arbitrary<Value[]> => {
  const value: fc.Arbitrary<Value> =
    kind === 'text'
      ? text
      : kind === 'integer'
        ? fc.maxSafeInteger()
        : kind === 'real'
          ? fc
              .double({ noNaN: true, noDefaultInfinity: true })
              .map((d) => (d === 0 ? 0 : d))
              // A whole double past 2^53 makes the column INTEGER, read back as BigInt.
              .filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d))
          : fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  return fc.array(fc.option(value, { nil: null, freq: 4 }), { minLength: rows, maxLength: rows });
};

const tableArb = fc
  .record({
    rows: fc.integer({ min: 0, max: 5 }),
    names: fc.uniqueArray(nameArb, {
      minLength: 1,
      maxLength: 4,
      selector: (n) => n.replace(/[A-Z]/g, (c) => c.toLowerCase()),
    }),
  })
  .chain(({ rows, names }) =>
    fc.tuple(
      ...names.map((name) =>
        fc
          .constantFrom<Kind>('text', 'integer', 'real', 'bigint')
          .chain((kind) => valuesOf(kind, rows).map((values): Column => ({ name, kind, values }))),
      ),
    ),
  );

/** What table() gives back for a value: a BigInt a double holds exactly is a number. */
const readBack = (v: Value): Value =>
  typeof v === 'bigint' &&
  v >= BigInt(Number.MIN_SAFE_INTEGER) &&
  v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;

const csvField = (v: Value): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) || s.startsWith('\uFEFF') ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The sources of one table, each with the values table() reads back from it. */
function sourcesOf(
  key: Column,
  columns: readonly Column[],
): [string, TableSource, Record<string, unknown>[]][] {
  const all = [key, ...columns];
  const n = key.values.length;
  const rowsOf = (value: (c: Column, v: Value) => Value) =>
    Array.from({ length: n }, (_, r) => {
      const row: Record<string, unknown> = {};
      for (const c of all) row[c.name] = value(c, c.values[r]!);
      return row;
    });
  const exact = rowsOf((_, v) => readBack(v));
  // JSON text carries no BigInt: those columns go as their decimal text.
  const asText = (c: Column, v: Value) =>
    c.kind === 'bigint' && v !== null ? String(v) : readBack(v);
  const sources: [string, TableSource, Record<string, unknown>[]][] = [
    ['aq', aq.table(new Map(all.map((c) => [c.name, [...c.values]]))), exact],
    // As an object of columns: rows would have no names when there is no row.
    [
      'json text',
      {
        json: JSON.stringify(
          Object.fromEntries(all.map((c) => [c.name, c.values.map((v) => asText(c, v))])),
        ),
      },
      rowsOf(asText),
    ],
    [
      'arrow',
      {
        arrow: fl.tableToIPC(
          fl.tableFromColumns(
            all.map((c): [string, fl.Column<unknown>] => [
              c.name,
              fl.columnFromArray(
                [...c.values],
                c.kind === 'text' ? fl.utf8() : c.kind === 'bigint' ? fl.int64() : fl.float64(),
              ),
            ]),
          ),
          {},
        )!,
      },
      exact,
    ],
  ];
  if (n > 0) sources.push(['rows', { json: rowsOf((_, v) => v) }, exact]);
  // CSV: an empty field is NULL; text columns are declared TEXT, kept as written.
  const csv = [
    all.map((c) => csvField(c.name)),
    ...Array.from({ length: n }, (_, r) => all.map((c) => csvField(c.values[r]!))),
  ]
    .map((fields) => fields.join(','))
    .join('\r\n');
  sources.push([
    'csv',
    { csv },
    rowsOf((c, v) => (c.kind === 'text' && v === '' ? null : readBack(v))),
  ]);
  return sources;
}

test('any table reads back as given from every source', async () => {
  await fc.assert(
    fc.asyncProperty(tableArb, async ([first, ...columns]) => {
      // The first column is the key: 1, 2, 3...
      const key: Column = {
        name: first!.name,
        kind: 'integer',
        values: first!.values.map((_, i) => i + 1),
      };
      const storage = new MemoryStorage();
      const db = await nodeDatabase(storage, 'round-trip');
      const made: [string, Record<string, unknown>[]][] = [];
      try {
        for (const [label, source, expected] of sourcesOf(key, columns)) {
          const table = label.replace(' ', '_');
          const options: CreateTableOptions = {
            primaryKey: key.name,
            types: Object.fromEntries(
              columns.filter((c) => c.kind === 'text').map((c) => [c.name, 'TEXT']),
            ),
          };
          const t = await db.createTable(table, source, options);
          expect(t.table().objects(), label).toEqual(expected);
          made.push([table, expected]);
        }
      } finally {
        await db.close();
      }
      const again = await nodeDatabase(storage, 'round-trip');
      try {
        for (const [table, expected] of made) {
          expect((await again.table(table)).table().objects(), `${table} reopened`).toEqual(
            expected,
          );
        }
      } finally {
        await again.close();
      }
    }),
    { numRuns: RUNS },
  );
});
