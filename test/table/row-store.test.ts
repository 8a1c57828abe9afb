import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
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

  test('never changes a column it handed out: writes copy first', () => {
    const s = store([1, 2, 3], ['a', 'b', 'c']);
    const view = s.view(1);
    const copy = [...(view as CellValue[])];
    s.set(0, 1, 'z');
    s.append([4, 'd']);
    expect([...(view as CellValue[])]).toEqual(copy);
    expect(s.get(0, 1)).toBe('z');
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
