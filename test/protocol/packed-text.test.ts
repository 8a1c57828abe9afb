import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ColumnarData } from '../../src/protocol/engine-api';
import { PLAN_VERSION, type ExecutionPlan } from '../../src/plan/execution-plan';
import { packPlanWork, unpackPlan } from '../../src/protocol/packed-plan';
import { packColumns, unpackColumns } from '../../src/protocol/packed-text';
import { runInSlices } from '../../src/schedule/run-in-slices';

/** Packs, moves the buffers as a worker's postMessage would, and unpacks. */
function roundTrip(data: ColumnarData): ColumnarData {
  const { data: wire, transfer } = packColumns(data);
  return unpackColumns(structuredClone(wire, { transfer }));
}

describe('text columns on the wire', () => {
  test('round-trip ASCII, accents, CJK, emoji, empty strings and NULLs exactly', () => {
    const sample = ['plain', '', 'Zoë', '東京', '👩‍💻 dev', null, 'a\u0000b', 'x'.repeat(5000)];
    const values = Array.from({ length: 3000 }, (_, i) => sample[i % sample.length]!);
    const data: ColumnarData = {
      seq: 1,
      names: ['t', 'n'],
      columns: [values, Float64Array.from(values, (_, i) => i)],
      length: values.length,
    };
    expect((packColumns(data).data.columns[0] as unknown as { packed: string }).packed).toBe(
      'utf8',
    );
    const expected = { ...data, columns: [values, Float64Array.from(values, (_, i) => i)] };
    // Numbers are transferred too: the sender's buffer is gone afterwards.
    expect(roundTrip(data)).toEqual(expected);
  });

  test('round-trip any well-formed strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: null }), {
          minLength: 1024,
          maxLength: 1500,
        }),
        (values) => {
          const data: ColumnarData = {
            seq: 0,
            names: ['t'],
            columns: [values],
            length: values.length,
          };
          expect(roundTrip(data).columns[0]).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('numbers, dates and booleans with NULLs on the wire', () => {
  const cell = fc.oneof(
    fc.constant(null),
    fc.double(),
    fc.boolean(),
    fc.date({ noInvalidDate: true }),
    fc.string({ maxLength: 5 }),
  );
  test('a column of one type and NULLs round-trips exactly, packed; a mixed one as it is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('number', 'boolean', 'date', 'mixed'),
        fc.array(cell, { minLength: 1024, maxLength: 1300 }),
        (type, cells) => {
          const values =
            type === 'mixed'
              ? cells
              : cells.map((v) =>
                  v === null
                    ? null
                    : type === 'number'
                      ? typeof v === 'number'
                        ? v
                        : 1.5
                      : type === 'boolean'
                        ? v === true
                        : new Date(Date.UTC(2024, 0, 1) + (typeof v === 'number' ? 1 : 0)),
                );
          const data: ColumnarData = {
            seq: 0,
            names: ['c'],
            columns: [values],
            length: values.length,
          };
          const packed = (packColumns(data).data.columns[0] as unknown as { packed?: string })
            .packed;
          const oneType =
            values.every((v) => v === null || typeof v !== 'string') && type !== 'mixed';
          if (oneType && values.some((v) => v !== null)) expect(packed).toBeDefined();
          expect(roundTrip(data).columns[0]).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a plan on the wire', () => {
  const stored = fc.oneof(
    fc.constant(null),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  );
  test('its inserts round-trip exactly through packing in slices, moving and unpacking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.array(fc.oneof(fc.constant(null), fc.double()), {
              minLength: 1100,
              maxLength: 1100,
            }),
            fc.array(fc.option(fc.string({ maxLength: 8 }), { nil: null }), {
              minLength: 1100,
              maxLength: 1100,
            }),
            fc.array(stored, { minLength: 1100, maxLength: 1100 }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (columns) => {
          const plan: ExecutionPlan = {
            version: PLAN_VERSION,
            steps: [
              {
                kind: 'insert',
                table: 't',
                key: [],
                keyTypes: [],
                columns: columns.map((_, i) => `c${i}`),
                types: columns.map(() => ''),
                values: columns,
                count: 1100,
              },
            ],
          };
          const original = structuredClone(plan);
          // Slices of no length: the work pauses at every chance, as on a busy page.
          const wire = await runInSlices(packPlanWork(plan), () => {}, 0);
          const moved = structuredClone(wire.plan, { transfer: wire.transfer });
          expect(unpackPlan(moved)).toEqual(original);
          // The plan given is left as it was.
          expect(plan).toEqual(original);
        },
      ),
      { numRuns: 30 },
    );
  });
});
