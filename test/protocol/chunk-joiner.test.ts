import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ChunkJoiner } from '../../src/protocol/chunk-joiner';
import type { ColumnarData } from '../../src/protocol/engine-api';
import { packColumns } from '../../src/protocol/packed-text';
import type { CellValue } from '../../src/values/sql-value';

type Column = readonly CellValue[] | Float64Array;

/** A chunk as the page receives it from the worker: packed, its buffers moved. */
function wire(names: string[], columns: Column[], length: number): ColumnarData {
  const { data, transfer } = packColumns({ names, columns, length });
  return structuredClone(data, { transfer });
}

/** The simple model: every chunk's values one after the other, typed when every chunk was. */
function model(columns: Column[][], width: number): Column[] {
  return Array.from({ length: width }, (_, c) => {
    const parts = columns.map((chunk) => chunk[c]!);
    const values = parts.flatMap((p) => Array.from(p as ArrayLike<CellValue>));
    return parts.every((p) => p instanceof Float64Array)
      ? Float64Array.from(values as number[])
      : values;
  });
}

type Kind = 'text' | 'number' | 'boolean' | 'date' | 'mixed';

const cellOf: Record<Kind, fc.Arbitrary<CellValue>> = {
  // A handful of short values that repeat (kept once each), and values that do not.
  text: fc.oneof(
    fc.constantFrom('view', 'click', '01067', '', 'Zoë', '東京'),
    fc.string({ maxLength: 20 }),
    fc.constant(null),
  ),
  number: fc.oneof(fc.double(), fc.constant(null)),
  boolean: fc.option(fc.boolean(), { nil: null }),
  date: fc.option(fc.date({ noInvalidDate: true }), { nil: null }),
  mixed: fc.oneof(fc.constant(null), fc.double(), fc.boolean(), fc.string({ maxLength: 4 })),
};

/**
 * A column of `rows` cells of `kind`. Numbers come typed in about half the chunks, as the worker
 * reads a chunk without a NULL.
 */
const columnOf = (kind: Kind, rows: number): fc.Arbitrary<Column> =>
  kind === 'number'
    ? fc.oneof(
        fc
          .array(fc.double(), { minLength: rows, maxLength: rows })
          .map((v) => Float64Array.from(v)),
        fc.array(cellOf.number, { minLength: rows, maxLength: rows }),
      )
    : fc.array(cellOf[kind], { minLength: rows, maxLength: rows });

/** Column kinds, then chunks of them: 1,024 rows or more go packed, smaller ones as they are. */
const tableArb = fc
  .array(fc.constantFrom<Kind>('text', 'number', 'boolean', 'date', 'mixed'), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((kinds) =>
    fc
      .array(
        fc
          .oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1024, max: 1200 }))
          .chain((rows) =>
            fc.tuple(fc.constant(rows), fc.tuple(...kinds.map((k) => columnOf(k, rows)))),
          ),
        { maxLength: 4 },
      )
      .map((chunks) => ({ width: kinds.length, chunks })),
  );

describe('joining a streamed table', () => {
  test('gives every chunk’s rows in order, whatever the chunks’ sizes, types and packing', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, fc.boolean(), async ({ width, chunks }, told) => {
        // The model first: moving a chunk's buffers to the joiner empties the sender's arrays.
        const expected = model(
          chunks.map(([, columns]) => columns),
          width,
        );
        const names = Array.from({ length: width }, (_, i) => `c${i}`);
        const length = chunks.reduce((n, [rows]) => n + rows, 0);
        const joiner = new ChunkJoiner();
        // Told the row count first (as the read's first progress report does), or not.
        if (told) joiner.expect(length);
        for (const [rows, columns] of chunks) joiner.add(wire(names, columns, rows));
        const joined = await joiner.finish({ seq: 7, names, columns: names.map(() => []), length });
        expect(joined.seq).toBe(7);
        expect(joined.length).toBe(length);
        expect(joined.columns).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  test('a column of numbers turns into an array where a later chunk holds a NULL', async () => {
    const joiner = new ChunkJoiner();
    const first = Array.from({ length: 5000 }, (_, i) => i);
    const second = Array.from({ length: 3000 }, (_, i) => (i === 2999 ? null : i));
    joiner.add(wire(['n'], [Float64Array.from(first)], 5000));
    joiner.add(wire(['n'], [second], 3000));
    const joined = await joiner.finish({ names: ['n'], columns: [[]], length: 8000 });
    expect(joined.columns[0]).toEqual([...first, ...second]);
  });

  test('text that does not repeat is joined as it is after interning stops', async () => {
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 3 ? `r${i}` : 'view'));
    const joiner = new ChunkJoiner();
    joiner.add(wire(['t'], [values], values.length));
    const joined = await joiner.finish({ names: ['t'], columns: [[]], length: values.length });
    expect(joined.columns[0]).toEqual(values);
  });

  test('a table without rows has empty columns', async () => {
    const joined = await new ChunkJoiner().finish({
      names: ['a', 'b'],
      columns: [[], []],
      length: 0,
    });
    expect(joined.columns).toEqual([new Float64Array(0), new Float64Array(0)]);
  });
});
