import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { temporaryIntegers } from '../../src/dialect/temporary-integers';
import { INT64_MAX, INT64_MIN } from '../../src/values/sql-value';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

describe('free integer keys for a key swap', () => {
  test('past the largest key, else before the smallest; refused when both ends are taken', () => {
    expect(temporaryIntegers(2, 10n, -3n)).toEqual([11n, 12n]);
    expect(temporaryIntegers(2, INT64_MAX - 2n, -3n)).toEqual([INT64_MAX - 1n, INT64_MAX]);
    expect(temporaryIntegers(2, INT64_MAX - 1n, -3n)).toEqual([-4n, -5n]);
    expect(temporaryIntegers(1, INT64_MAX, INT64_MIN + 1n)).toEqual([INT64_MIN]);
    expect(() => temporaryIntegers(1, INT64_MAX, INT64_MIN)).toThrow(
      expect.objectContaining({ code: 'invalid_plan' }),
    );
  });

  test.each([
    ['both ends of the 64-bit range held: refused, nothing written, the edits kept', true],
    ['the largest key held: the rows move through keys below the smallest', false],
  ])('%s', async (_, bothEnds) => {
    const db = await nodeDatabase(new MemoryStorage());
    const ids = [5n, 6n, INT64_MAX, ...(bothEnds ? [INT64_MIN] : [])];
    await db.createTable('t', aq.table({ id: ids, v: ids.map((i) => `row ${i}`) }), {
      primaryKey: 'id',
      types: { id: 'INTEGER', v: 'TEXT' },
    });
    const t = await db.table('t');
    t.setCells([
      { key: 5, column: 'id', value: 6 },
      { key: 6, column: 'id', value: 5 },
    ]);
    const rows = async (): Promise<unknown[]> =>
      (await db.query('SELECT id, v FROM t ORDER BY v')).objects();
    const before = await rows();
    const error = await t.push().then(
      () => null,
      (e: unknown) => e,
    );
    if (bothEnds) {
      expect(error).toMatchObject({ code: 'invalid_plan' });
      expect(await rows()).toEqual(before);
      expect(t.changeCounts().updates).toBe(2);
    } else {
      expect(error).toBeNull();
      expect((await rows()).slice(0, 2)).toEqual([
        { id: 6, v: 'row 5' },
        { id: 5, v: 'row 6' },
      ]);
    }
    await db.close();
  });
});
