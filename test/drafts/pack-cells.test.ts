import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CellPacker, unpackCells } from '../../src/drafts/pack-cells';
import { PART_BYTES } from '../../src/drafts/encode-delta';
import { CellOperation } from '../../src/table/cell-operation';
import type { ColumnState } from '../../src/table/column-state';
import { UNSET, type Slot } from '../../src/table/mutations';
import type { CellValue } from '../../src/values/sql-value';

/**
 * Packed cell edits (draft format 4) read back exactly as the edits held them: every kind of
 * value, the tricky ones first (-0, NaN, '7' against 7, bigints past 2^53, bytes, dates valid
 * and not, text with NUL and lone surrogates), rows of either sign, any time. The model is the
 * edits themselves.
 */

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

const value: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constantFrom<CellValue>(0, -0, NaN, Infinity, -Infinity, 7, '7', '', '\0', '\ud800', null),
  fc.constantFrom<CellValue>(2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.1),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.uint8Array({ maxLength: 20 }),
  fc.oneof(fc.date({ noInvalidDate: false }), fc.constant(new Date(NaN))),
  fc.boolean(),
);
const slot: fc.Arbitrary<Slot> = fc.oneof(value, fc.constant<Slot>(UNSET));
const key = fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 }));
const time = fc.oneof(
  fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
  fc.double({ noNaN: false }),
);
const edit = fc.record({
  row: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  column: fc.nat({ max: 70_000 }),
  at: time,
  prev: slot,
  next: slot,
  key,
});
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function operation(e: Edit): CellOperation {
  const column = { id: e.column, name: 'c' } as ColumnState;
  return new CellOperation(e.row, column, e.prev, e.next, e.key, 'c', e.at);
}

/** A value as a test can compare it exactly (Object.is for numbers, bytes and times spelt out). */
function exact(v: unknown): unknown {
  if (v === UNSET) return 'unset';
  if (typeof v === 'object' && v !== null && 'pandalchemyUnset' in v) return 'unset';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return `'${[...v].map((c) => c.charCodeAt(0)).join(',')}`;
  if (v instanceof Uint8Array) return `bytes ${[...v].join(',')}`;
  if (v instanceof Date) return `date ${String(v.getTime())}`;
  if (Array.isArray(v)) return v.map(exact);
  return v;
}

function packAll(edits: readonly Edit[]): Uint8Array {
  const p = new CellPacker();
  for (const e of edits) p.pack(operation(e));
  return p.take();
}

describe('packed cell edits', () => {
  test('read back exactly as the edits held them', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 40 }), (edits) => {
        const c = unpackCells(structuredClone(packAll(edits)), edits.length);
        // A one-value key is kept as its value (CellOperation unwraps arrays of one).
        const keyOf = (k: Edit['key']) => (Array.isArray(k) && k.length === 1 ? k[0] : k);
        expect(
          edits.map((_, i) => [
            c.rows[i],
            c.columns[i],
            exact(c.at[i]),
            exact(c.prev[i]),
            exact(c.next[i]),
            exact(c.keys[i]),
          ]),
        ).toEqual(
          edits.map((e) => [
            e.row,
            e.column,
            exact(e.at),
            exact(e.prev),
            exact(e.next),
            exact(keyOf(e.key)),
          ]),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('keep text of any length exactly, one- and two-byte', () => {
    const long = ['x'.repeat(100_000), '\ud83c'.repeat(9000) + 'é\0', 'ÿ'.repeat(5000) + 'Ā'];
    const edits = long.map((s, i) => ({ row: i, column: 1, at: i, prev: s, next: s + s, key: s }));
    const c = unpackCells(packAll(edits), edits.length);
    expect([...c.prev, ...c.next, ...c.keys]).toEqual([
      ...long,
      ...long.map((s) => s + s),
      ...long,
    ]);
  });

  test('taken back, leave the part as it was before them', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 10 }), edit, (edits, extra) => {
        const p = new CellPacker();
        for (const e of edits) p.pack(operation(e));
        p.pack(operation(extra));
        p.takeBack();
        expect([...p.take()]).toEqual([...packAll(edits)]);
      }),
      { numRuns: RUNS },
    );
  });

  test('refuse bytes that hold more or fewer edits than counted', () => {
    const bytes = packAll([{ row: 1, column: 2, at: 3, prev: 'a', next: 7, key: 1 }]);
    expect(() => unpackCells(bytes, 2)).toThrow(expect.objectContaining({ code: 'draft_invalid' }));
    expect(() => unpackCells(bytes, 0)).toThrow(expect.objectContaining({ code: 'draft_invalid' }));
    expect(PART_BYTES).toBeGreaterThan(bytes.length);
  });
});
