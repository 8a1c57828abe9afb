import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { trackedTable, type TrackedTable } from '../../src/index';

const N = 16;

function items(): TrackedTable {
  return trackedTable(
    aq.table({
      id: Array.from({ length: N }, (_, i) => i + 1),
      qty: Float64Array.from({ length: N }, (_, i) => i * 10),
      price: Float64Array.from({ length: N }, (_, i) => i / 2),
      label: Array.from({ length: N }, (_, i) => `item ${i}`),
    }),
    {
      name: 'items',
      key: ['id'],
      types: { id: 'INTEGER', qty: 'INTEGER', price: 'REAL', label: 'TEXT' },
    },
  );
}

/** Replaces one column of the table, keeping every other column's storage (so rows line up). */
function replaceColumn(t: TrackedTable, name: string, values: unknown[]): TrackedTable {
  return t.transform((x) => x.assign(aq.table({ [name]: values })));
}

describe('transform of a whole column, rows in place', () => {
  test('adopts a canonical result without copying it, and never writes to it', () => {
    const t = items();
    const labels = Array.from({ length: N }, (_, i) => `new ${i}`);
    replaceColumn(t, 'label', labels);
    expect(t.changeCounts().updates).toBe(N);
    t.set(3, 'label', 'edited');
    expect(t.get(3, 'label')).toBe('edited');
    expect(labels[2]).toBe('new 2');
    t.undo();
    expect(t.get(3, 'label')).toBe('new 2');
    t.undo();
    expect(t.get(3, 'label')).toBe('item 2');
    expect(t.hasChanges).toBe(false);
  });

  test('stores canonical values when the result holds other forms of them', () => {
    const t = items();
    // undefined is NULL, 20n is the stored 20, -0 is 0; every other row changes.
    const qty: unknown[] = Array.from({ length: N }, (_, i) => i * 10 + 1);
    qty[0] = -0;
    qty[1] = undefined;
    qty[2] = 20n;
    replaceColumn(t, 'qty', qty);
    expect(t.changeCounts().updates).toBe(N - 2);
    const stored = t.table().array('qty') as ArrayLike<unknown>;
    expect(Object.is(stored[0], 0)).toBe(true);
    expect(stored[1]).toBeNull();
    expect(stored[2]).toBe(20);
    expect(typeof stored[2]).toBe('number');
    expect(qty[1]).toBeUndefined();
  });

  test('refuses a value the column does not take, changing nothing', () => {
    const t = items();
    const qty: unknown[] = Array.from({ length: N }, (_, i) => i + 1000);
    qty[7] = 'seven';
    expect(() => replaceColumn(t, 'qty', qty)).toThrow(
      expect.objectContaining({ code: 'invalid_value' }),
    );
    expect(t.hasChanges).toBe(false);
    expect(t.get(8, 'qty')).toBe(70);
  });

  test('updates rows inserted before the transform as well as stored rows', () => {
    const t = items().insert([
      { id: 100, qty: 1, price: 1, label: 'a' },
      { id: 101, qty: 2, price: 2, label: 'b' },
    ]);
    t.transform((x) => x.derive({ price: (d: { price: number }) => d.price + 0.25 }));
    expect(t.changeCounts()).toMatchObject({ updates: N, inserts: 2 });
    expect(t.get(100, 'price')).toBe(1.25);
    expect(t.get(101, 'price')).toBe(2.25);
    expect(t.get(2, 'price')).toBe(0.75);
    t.undo();
    expect(t.get(100, 'price')).toBe(1);
    expect(t.get(2, 'price')).toBe(0.5);
    expect(t.changeCounts()).toMatchObject({ updates: 0, inserts: 2 });
  });

  test('a few changed rows become cell edits', () => {
    const t = items();
    const labels = Array.from({ length: N }, (_, i) => `item ${i}`);
    labels[5] = 'five';
    replaceColumn(t, 'label', labels);
    expect(t.changes().updates.map((u) => [u.key, u.newValues])).toEqual([
      [[6], { label: 'five' }],
    ]);
  });
});
