import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cellLists, packCells } from '../../src/drafts/packed-cells';
import { encodeSlot } from '../../src/drafts/encode-draft';
import { CellOperation } from '../../src/table/cell-operation';
import { UNSET } from '../../src/table/mutations';
import type { ColumnState } from '../../src/table/column-state';
import type { CellValue } from '../../src/values/sql-value';

const value: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, 2 ** 53),
  fc.string({ unit: 'binary' }),
  // Lone surrogates, which a join could pair with the next string's.
  fc.constantFrom('\uD83C', '\uDF89', '\uD83C\uDF89', ''),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.uint8Array({ maxLength: 4 }),
  fc.date({ noInvalidDate: true }),
);

describe('packed single-cell edits', () => {
  test('read back, through a structured clone, as the lists of values they were made from', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            row: fc.integer({ min: -5, max: 1000 }),
            prev: fc.oneof(value, fc.constant(UNSET)),
            next: value,
            key: fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 2 })),
          }),
          { maxLength: 40 },
        ),
        (edits) => {
          const column = { id: 3, name: 'c' } as ColumnState;
          const ops = edits.map(
            (e) => new CellOperation(e.row, column, e.prev, e.next, e.key, 'c', 1),
          );
          const lists = cellLists(structuredClone(packCells(ops)));
          expect([...lists.rows]).toEqual(edits.map((e) => e.row));
          expect(lists.prev).toEqual(edits.map((e) => encodeSlot(e.prev)));
          expect(lists.next).toEqual(edits.map((e) => e.next));
          expect(lists.keys).toEqual(ops.map((o) => o.key));
          // Numbers exactly (-0, NaN), other values as a clone gives them.
          lists.prev.forEach((v, i) => {
            const given = encodeSlot(edits[i]!.prev);
            if (typeof given !== 'object' || given === null) expect(Object.is(v, given)).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
