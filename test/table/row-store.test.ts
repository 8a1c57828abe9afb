import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { epochValue } from '../../src/table/column-epoch';
import { RowStore } from '../../src/table/row-store';
import type { CellValue } from '../../src/values/sql-value';

function store(ids: CellValue[], names: CellValue[]): RowStore {
  return new RowStore(
    [
      { name: 'id', kind: 'integer', values: ids },
      { name: 'name', kind: 'text', values: names },
    ],
    [0],
    ids.length,
  );
}

describe('row store', () => {
  test('finds rows by key with and without the sequential fast path', () => {
    const seq = store([1, 2, 3], ['a', 'b', 'c']);
    const hashed = store([10, 30, 20], ['a', 'b', 'c']);
    expect([seq.find([1]), seq.find([3]), seq.find([4]), seq.find(['1'])]).toEqual([0, 2, -1, -1]);
    expect([hashed.find([30]), hashed.find([20]), hashed.find([1])]).toEqual([1, 2, -1]);
  });

  test('keeps finding rows after key changes, appends and deletes', () => {
    const s = store([1, 2, 3], ['a', 'b', 'c']);
    s.set(0, 0, 9);
    s.append([4, 'd']);
    s.append([100, 'e']);
    s.kill(1);
    expect([s.find([1]), s.find([9]), s.find([2]), s.find([4]), s.find([100])]).toEqual([
      -1, 0, -1, 3, 4,
    ]);
    expect(s.liveCount).toBe(4);
  });

  test('writes in place, and a view made before still reads the values it was made with', () => {
    const s = store([1, 2, 3], ['a', 'b', 'c']);
    const column = s.raw(1);
    const epoch = s.capture(1);
    const read = () => [0, 1, 2].map((r) => epochValue(epoch, r, column));
    s.set(0, 1, 'z');
    s.set(0, 1, 'y');
    s.append([4, 'd']);
    expect(read()).toEqual(['a', 'b', 'c']);
    expect(s.raw(1)).toBe(column);
    const later = s.capture(1);
    s.set(1, 1, 'w');
    expect(read()).toEqual(['a', 'b', 'c']);
    expect([0, 1].map((r) => epochValue(later, r, column))).toEqual(['y', 'b']);
    expect([s.get(0, 1), s.get(1, 1)]).toEqual(['y', 'w']);
  });

  test('agrees with views made at random moments under random writes (epochs, freezing)', () => {
    fc.assert(
      fc.property(
        // Bursts of writes between views: past 64 + 1/8 of the rows written in one epoch, the
        // store freezes a copy of the column for the epoch's views instead.
        // A burst is written row by row, or at once (`setMany`: a whole column taken back).
        fc.array(
          fc.tuple(
            fc.array(fc.tuple(fc.nat(99), fc.nat(20)), { maxLength: 150, size: 'max' }),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (bursts) => {
          const n = 100;
          const s = store(
            Array.from({ length: n }, (_, i) => i + 1),
            Array.from({ length: n }, (_, i) => `v${i}`),
          );
          const views: {
            column: ArrayLike<CellValue>;
            epoch: ReturnType<RowStore['capture']>;
            seen: CellValue[];
          }[] = [];
          const model = Array.from({ length: n }, (_, r) => s.get(r, 1));
          for (const [writes, many] of bursts) {
            const seen = Array.from({ length: n }, (_, r) => s.get(r, 1));
            views.push({ column: s.raw(1), epoch: s.capture(1), seen });
            // Numbers and text alike: the first text written turns a Float64Array into an array.
            const value = (v: number): CellValue => (v % 3 === 0 ? v : `w${v}`);
            if (many) {
              s.setMany(
                1,
                writes.map(([row]) => row),
                (i) => value(writes[i]![1]),
              );
            } else {
              for (const [row, v] of writes) s.set(row, 1, value(v));
            }
            for (const [row, v] of writes) model[row] = value(v);
            expect(Array.from({ length: n }, (_, r) => s.get(r, 1))).toEqual(model);
            for (const v of views) {
              const now = Array.from({ length: n }, (_, r) => epochValue(v.epoch, r, v.column));
              expect(now).toEqual(v.seen);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('compacts dead rows and renumbers them', () => {
    const s = store([1, 2, 3, 4], ['a', 'b', 'c', 'd']);
    s.kill(0);
    s.kill(2);
    const map = s.compact(0.25)!;
    expect(Array.from(map)).toEqual([-1, 0, -1, 1]);
    expect(s.length).toBe(2);
    expect([s.find([2]), s.find([4]), s.find([1])]).toEqual([0, 1, -1]);
  });

  // Keys of every kind the store indexes differently: close integers (found by value), integers
  // spread wider than the by-value index takes, fractions, BigInts and text (found by hash), and
  // the moves between them when a key that does not fit arrives.
  const keyOfKind = fc.oneof(
    fc.integer({ min: -60, max: 60 }),
    fc.integer({ min: -60, max: 60 }).map((n) => n * 1_000_003),
    fc.integer({ min: -60, max: 60 }).map((n) => n + 0.5),
    fc.integer({ min: -60, max: 60 }).map((n) => 2n ** 60n + BigInt(n)),
    fc.integer({ min: -60, max: 60 }).map((n) => `k${n}`),
  );
  const token = (k: CellValue): string => `${typeof k}:${String(k)}`;

  test('agrees with a Map under random key changes, appends and deletes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // Ids 1..n in slot order: found by arithmetic until a write breaks the sequence.
          fc.nat(20).map((n) => Array.from({ length: n }, (_, i) => i + 1)),
          fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { maxLength: 20 }),
          fc.uniqueArray(keyOfKind, { maxLength: 20, selector: token }),
        ),
        fc.array(
          fc.tuple(fc.nat(3), fc.nat(40), fc.oneof(fc.integer({ min: -60, max: 60 }), keyOfKind)),
          { maxLength: 40 },
        ),
        (ids: CellValue[], ops) => {
          const s = store([...ids], ids.map(String));
          const model = new Map<string, number>(ids.map((k, r) => [token(k), r]));
          const probes = new Map<string, CellValue>(ids.map((k) => [token(k), k]));
          for (const [kind, at, key] of ops) {
            probes.set(token(key), key);
            const live = [...model.values()];
            const row = live[at % Math.max(1, live.length)];
            if (kind === 0 && !model.has(token(key))) {
              model.set(token(key), s.append([key, 'x']));
            } else if (kind === 1 && row !== undefined && !model.has(token(key))) {
              const old = s.get(row, 0);
              s.set(row, 0, key);
              model.delete(token(old));
              model.set(token(key), row);
            } else if (kind === 2 && row !== undefined) {
              model.delete(token(s.get(row, 0)));
              s.kill(row);
            } else if (kind === 3) {
              const map = s.compact(0.1);
              if (map) for (const [k, r] of model) model.set(k, map[r]!);
            }
          }
          for (let k = -60; k <= 60; k++) probes.set(token(k), k);
          for (const [t, k] of probes) {
            expect(s.find([k])).toBe(model.get(t) ?? -1);
            expect(s.findOne(k)).toBe(model.get(t) ?? -1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('finds rows of a two-column key under random key changes, appends and deletes', () => {
    const part = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom('a', 'b', 'é'));
    fc.assert(
      fc.property(
        fc.uniqueArray(part, { maxLength: 15, selector: (k) => k.join('|') }),
        fc.array(fc.tuple(fc.nat(3), fc.nat(40), part), { maxLength: 40 }),
        (ids, ops) => {
          const s = new RowStore(
            [
              { name: 'a', kind: 'integer', values: ids.map((k) => k[0]) },
              { name: 'b', kind: 'text', values: ids.map((k) => k[1]) },
            ],
            [0, 1],
            ids.length,
          );
          const model = new Map<string, number>(ids.map((k, r) => [k.join('|'), r]));
          for (const [kind, at, key] of ops) {
            const live = [...model.values()];
            const row = live[at % Math.max(1, live.length)];
            if (kind === 0 && !model.has(key.join('|'))) {
              model.set(key.join('|'), s.append(key));
            } else if (kind === 1 && row !== undefined && !model.has(key.join('|'))) {
              model.delete(s.keyOf(row).join('|'));
              s.set(row, 0, key[0]);
              s.set(row, 1, key[1]);
              model.set(key.join('|'), row);
            } else if (kind === 2 && row !== undefined) {
              model.delete(s.keyOf(row).join('|'));
              s.kill(row);
            } else if (kind === 3) {
              const map = s.compact(0.1);
              if (map) for (const [k, r] of model) model.set(k, map[r]!);
            }
          }
          for (let a = 0; a <= 6; a++)
            for (const b of ['a', 'b', 'é', 'c'])
              expect(s.find([a, b])).toBe(model.get(`${a}|${b}`) ?? -1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
