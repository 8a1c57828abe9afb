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
        fc.array(fc.array(fc.tuple(fc.nat(99), fc.nat(20)), { maxLength: 150, size: 'max' }), {
          minLength: 1,
          maxLength: 6,
        }),
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
          for (const writes of bursts) {
            const seen = Array.from({ length: n }, (_, r) => s.get(r, 1));
            views.push({ column: s.raw(1), epoch: s.capture(1), seen });
            // Numbers and text alike: the first text written turns a Float64Array into an array.
            for (const [row, v] of writes) s.set(row, 1, v % 3 === 0 ? v : `w${v}`);
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

  test('agrees with a Map under random key changes, appends and deletes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(3), fc.nat(40), fc.integer({ min: -60, max: 60 })), {
          maxLength: 40,
        }),
        (ids, ops) => {
          const s = store([...ids], ids.map(String));
          const model = new Map<number, number>(ids.map((k, r) => [k, r]));
          for (const [kind, at, key] of ops) {
            const live = [...model.values()];
            const row = live[at % Math.max(1, live.length)];
            if (kind === 0 && !model.has(key)) {
              model.set(key, s.append([key, 'x']));
            } else if (kind === 1 && row !== undefined && !model.has(key)) {
              const old = s.get(row, 0) as number;
              s.set(row, 0, key);
              model.delete(old);
              model.set(key, row);
            } else if (kind === 2 && row !== undefined) {
              model.delete(s.get(row, 0) as number);
              s.kill(row);
            } else if (kind === 3) {
              const map = s.compact(0.1);
              if (map) for (const [k, r] of model) model.set(k, map[r]!);
            }
          }
          for (let k = -60; k <= 60; k++) expect(s.find([k])).toBe(model.get(k) ?? -1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
