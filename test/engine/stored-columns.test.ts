import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storedColumns } from '../../src/engine/stored-columns';
import type { ColumnValues } from '../../src/plan/execution-plan';
import { storedExactly, type Affinity } from '../../src/dialect/sqlite/affinity';
import type { SqlValue } from '../../src/values/sql-value';

const AFFINITIES: Affinity[] = ['INTEGER', 'REAL', 'NUMERIC', 'TEXT', 'BLOB'];

const anyValue: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('12', '1e3', 'a\u0000b', '\ud800'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 2 ** 53, 2 ** 60, 1.5, Infinity, NaN),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.uint8Array({ maxLength: 2 }),
);
const number = fc.oneof(fc.double(), fc.constantFrom(-0, 0, 2 ** 53, 2 ** 60, 3, 1.5));

/** Text as a text column holds it, with halves of surrogate pairs that must not pair up. */
const text: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('a\ud800', '\udc00b', '\ud800', '\udc00', 'x\u0000', '\ud83d\ude00'),
);

/** A column as a plan carries it: an array of any values or of text, or a Float64Array of numbers. */
const column = (n: number): fc.Arbitrary<ColumnValues> =>
  fc.oneof(
    fc.array(anyValue, { minLength: n, maxLength: n }),
    fc.array(text, { minLength: n, maxLength: n }),
    fc.array(number, { minLength: n, maxLength: n }).map((v) => Float64Array.from(v)),
  );

describe('storedColumns', () => {
  it('agrees with storedExactly on every value, column by column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(column(n), fc.constantFrom(...AFFINITIES)), {
              minLength: 1,
              maxLength: 3,
            }),
          ),
        ),
        ([n, cols]) => {
          const result = storedColumns(
            cols.map(([c]) => c),
            cols.map(([, a]) => a),
            n,
          );
          const expected = Array.from({ length: n }, (_, i) =>
            cols.map(([c, a]) => storedExactly(a, c[i] ?? null)),
          );
          const certain = expected.map((row) => row.every((v) => v !== undefined));
          if (!certain.some(Boolean)) {
            // Nothing certain: nothing to report (a Float64Array under TEXT reports no row at all).
            expect(result).toBeNull();
            return;
          }
          if (result === null) {
            // Only refused outright where a whole column is numbers under TEXT affinity.
            expect(cols.some(([c, a]) => c instanceof Float64Array && a === 'TEXT')).toBe(true);
            return;
          }
          for (let i = 0; i < n; i++) {
            expect(result.exact === null || result.exact[i] === 1).toBe(certain[i]);
            if (!certain[i]) continue;
            cols.forEach((_, c) => expect(result.values[c]![i]).toEqual(expected[i]![c]));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
