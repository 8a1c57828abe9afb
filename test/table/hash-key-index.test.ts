import fc from 'fast-check';
import { expect, test } from 'vitest';
import { HashKeyIndex } from '../../src/table/hash-key-index';
import type { CellValue } from '../../src/values/sql-value';
import { valuesEqual } from '../../src/values/values-equal';

// Rows numbered past the tag's room (here 2^3: rows 8 and up) make the index drop its tags
// midway; keys of every kind, several rows per key for a while (a swap in progress), removals.
test('a hash index finds what a Map finds, with and without tags in its slots', () => {
  // Text that looks like the numbers beside it ('1' and 1 are different keys), the empty string,
  // text beyond the BMP, NULL parts (a rowid table's composite key may hold them), -0 and NaN.
  const keyArb = fc.oneof(
    fc.integer({ min: -20, max: 20 }),
    fc.integer({ min: -20, max: 20 }).map((n) => `t${n}`),
    fc.integer({ min: -3, max: 3 }).map((n) => String(n)),
    fc.constantFrom('', '\u{1F600}', 'e\u0301', '\u00e9', '|', '\u0000', null, -0, NaN, 1.5),
    fc.integer({ min: -20, max: 20 }).map((n) => 2n ** 62n + BigInt(n)),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), keyArb, keyArb), { maxLength: 60 }),
      fc.constantFrom(3, 24),
      (ops, rowBits) => {
        const a: CellValue[] = [];
        const b: CellValue[] = [];
        const index = new HashKeyIndex([a, b], [0, 1], 0, rowBits);
        const single = new HashKeyIndex([a], [0], 0, rowBits);
        const live = new Set<number>();
        for (const [add, x, y] of ops) {
          const victim = [...live].find((r) => valuesEqual(a[r], x));
          if (!add && victim !== undefined) {
            index.remove(victim);
            single.remove(victim);
            live.delete(victim);
          } else {
            const row = a.length;
            a.push(x);
            b.push(y);
            index.add(row);
            single.add(row);
            live.add(row);
          }
        }
        const holders = (k: readonly CellValue[]) =>
          [...live].filter(
            (r) => valuesEqual(a[r], k[0]) && (k.length === 1 || valuesEqual(b[r], k[1])),
          );
        for (const x of a) {
          for (const y of b) {
            const found = index.find([x, y]);
            const expected = holders([x, y]);
            if (expected.length === 0) expect(found).toBe(-1);
            else expect(expected).toContain(found);
          }
          const one = single.findOne(x);
          const expected = holders([x]);
          if (expected.length === 0) expect(one).toBe(-1);
          else expect(expected).toContain(one);
        }
        expect(index.size).toBe(live.size);
      },
    ),
    { numRuns: 300 },
  );
});
