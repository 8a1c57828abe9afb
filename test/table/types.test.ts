import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { trackedTable } from '../../src/index';

function typed() {
  return trackedTable(
    aq.table({
      id: [1, 2],
      big: [2n ** 60n, 5],
      real: [0.1, -2],
      txt: ['04567', '1e3'],
      bin: [new Uint8Array([1, 2]), null],
      flag: [true, false],
      day: [new Date(Date.UTC(2024, 0, 5)), null],
      at: [new Date(Date.UTC(2024, 0, 5, 10, 20, 30, 400)), null],
    }),
    {
      name: 'typed',
      key: ['id'],
      types: {
        id: 'INTEGER',
        big: 'INTEGER',
        real: 'REAL',
        txt: 'TEXT',
        bin: 'BLOB',
        flag: 'BOOLEAN',
        day: 'DATE',
        at: 'DATETIME',
      },
    },
  );
}

describe('types and equality', () => {
  test('keeps integers beyond 2^53 as BigInt and safe ones as numbers', () => {
    const t = typed();
    expect(t.get(1, 'big')).toBe(2n ** 60n);
    t.set(2, 'big', 5n);
    expect(t.get(2, 'big')).toBe(5);
    expect(t.hasChanges).toBe(false);
    t.set(2, 'big', 2n ** 63n - 1n);
    expect(t.get(2, 'big')).toBe(2n ** 63n - 1n);
  });

  test('keeps numeric-looking text as text', () => {
    const t = typed();
    expect(t.get(1, 'txt')).toBe('04567');
    expect(t.plan().steps).toEqual([]);
    t.set(1, 'txt', '007');
    const step = t.plan().steps[0]!;
    expect(step.kind === 'update' && step.values[0]![0]).toBe('007');
  });

  test('compares bytes by content, dates by time, NaN-free reals by value', () => {
    const t = typed();
    t.set(1, 'bin', new Uint8Array([1, 2]));
    t.set(1, 'day', new Date(Date.UTC(2024, 0, 5)));
    t.set(1, 'at', new Date(Date.UTC(2024, 0, 5, 10, 20, 30, 400)));
    t.set(1, 'real', 0.1);
    t.set(1, 'flag', 1);
    expect(t.hasChanges).toBe(false);
  });

  test('copies byte arrays so that later mutation by the caller changes nothing', () => {
    const t = typed();
    const bytes = new Uint8Array([9, 9]);
    t.set(2, 'bin', bytes);
    bytes[0] = 0;
    expect(t.get(2, 'bin')).toEqual(new Uint8Array([9, 9]));
  });

  test('stores booleans as 1/0 and dates in their column convention', () => {
    const t = typed();
    t.set(1, 'flag', false)
      .set(1, 'day', '2025-02-03')
      .set(1, 'at', new Date(Date.UTC(2025, 1, 3, 4, 5, 6)));
    const step = t.plan().steps[0]!;
    expect(step.kind).toBe('update');
    if (step.kind !== 'update') return;
    const values = Object.fromEntries(step.set.map((c, i) => [c, step.values[i]![0]]));
    expect(values).toEqual({ flag: 0, day: '2025-02-03', at: '2025-02-03 04:05:06' });
    expect(step.guard?.expected).toEqual([
      [true],
      [new Date(Date.UTC(2024, 0, 5))],
      [new Date(Date.UTC(2024, 0, 5, 10, 20, 30, 400))],
    ]);
  });

  test('null and undefined are both NULL', () => {
    const t = typed();
    t.set(2, 'bin', undefined);
    expect(t.hasChanges).toBe(false);
  });

  test('refuses dates that are not calendar days in DATE columns', () => {
    expect(() => typed().set(1, 'day', new Date(Date.UTC(2024, 0, 5, 1)))).toThrow(/calendar days/);
    expect(() => typed().set(1, 'day', new Date(NaN))).toThrow(/Invalid Date/);
  });
});
