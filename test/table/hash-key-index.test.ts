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

// A probe equal to a key but not the same object: text rebuilt from its characters, bytes and
// dates copied. The index compares its slots' copies of the lead column by value, never by identity.
function copyOf(v: CellValue): CellValue {
  if (typeof v === 'string') return v.split('').join('');
  if (v instanceof Uint8Array) return v.slice();
  if (v instanceof Date) return new Date(v.getTime());
  return v;
}

// The lead column (the first not held in a Float64Array) is compared from the slots' copies of its
// values: a numeric first column in a Float64Array makes the second the lead, and keys that change
// (removed, rewritten, added again, as the store does), growth and dropped tags must keep the
// copies in step with the columns.
test('a hash index finds what a Map finds when it compares copies of its lead column', () => {
  const leadArb = fc.oneof(
    fc.integer({ min: -5, max: 5 }).map((n) => `t${n}`),
    fc.integer({ min: -3, max: 3 }).map((n) => String(n)),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('', '7', 7, -0, NaN, null, 'a\u0000b', '\ud800', 'x\udc00', '\u{1F600}'),
    fc.constantFrom(new Uint8Array([]), new Uint8Array([7]), new Date(0), new Date(7)),
    fc.constantFrom(2n ** 62n, 7n),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 0, max: 3 }), leadArb, fc.nat(99)), {
        maxLength: 80,
        size: 'max',
      }),
      fc.constantFrom(3, 24),
      (ops, rowBits) => {
        const a = new Float64Array(100);
        const b: CellValue[] = [];
        const index = new HashKeyIndex([a, b], [0, 1], 0, rowBits);
        const single = new HashKeyIndex([b], [0], 0, rowBits);
        const live: number[] = [];
        for (const [kind, x, y, at] of ops) {
          const row = live[at % Math.max(1, live.length)];
          if (kind === 0 || row === undefined) {
            if (b.length === a.length) continue;
            a[b.length] = x;
            b.push(y);
            index.add(b.length - 1);
            single.add(b.length - 1);
            live.push(b.length - 1);
          } else if (kind === 1) {
            index.remove(row);
            single.remove(row);
            live.splice(live.indexOf(row), 1);
          } else {
            // A key rewritten in place: out of the index under the old key, in under the new.
            index.remove(row);
            single.remove(row);
            a[row] = x;
            b[row] = y;
            index.add(row);
            single.add(row);
          }
        }
        const xs = [0, 1, 2, 3, 4];
        const ys = [...b, 't0', '7', 7, 'missing'];
        for (const x of xs) {
          for (const y of ys) {
            const expected = live.filter((r) => a[r] === x && valuesEqual(b[r], y));
            const found = index.find([x, copyOf(y)]);
            if (expected.length === 0) expect(found).toBe(-1);
            else expect(expected).toContain(found);
          }
        }
        for (const y of ys) {
          const expected = live.filter((r) => valuesEqual(b[r], y));
          const found = single.findOne(copyOf(y));
          if (expected.length === 0) expect(found).toBe(-1);
          else expect(expected).toContain(found);
        }
        expect(index.size).toBe(live.length);
      },
    ),
    { numRuns: 300 },
  );
});
