import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { places, rowsOf, users } from '../support/tables';
import { codeOf } from '../support/code-of';

describe('key changes within one operation (issue 16 item 10)', () => {
  test('setCells swaps two keys in one call', () => {
    const t = users().setCells([
      { key: 2, column: 'id', value: 3 },
      { key: 3, column: 'id', value: 2 },
    ]);
    expect(t.get(2, 'name')).toBe('Linus');
    expect(t.get(3, 'name')).toBe('Grace');
    expect(t.operations()).toHaveLength(1);
    expect(t.changeCounts().updates).toBe(2);
  });

  test('setCells rotates three keys in one call, and undo and redo take it back and again', () => {
    const t = users().setCells([
      { key: 1, column: 'id', value: 2 },
      { key: 2, column: 'id', value: 3 },
      { key: 3, column: 'id', value: 1 },
    ]);
    expect([t.get(1, 'name'), t.get(2, 'name'), t.get(3, 'name')]).toEqual([
      'Linus',
      'Ada',
      'Grace',
    ]);
    t.undo();
    expect([t.get(1, 'name'), t.get(2, 'name'), t.get(3, 'name')]).toEqual([
      'Ada',
      'Grace',
      'Linus',
    ]);
    t.redo();
    expect(t.get(1, 'name')).toBe('Linus');
    expect(t.has(4)).toBe(false);
  });

  test('a key of the call that exists only after an earlier edit of the call still addresses its row', () => {
    const t = users().setCells([
      { key: 1, column: 'id', value: 10 },
      { key: 10, column: 'name', value: 'Ada L.' },
    ]);
    expect(t.row(10)).toMatchObject({ id: 10, name: 'Ada L.' });
  });

  test('update() moves a composite key through a key another row holds until the call ends', () => {
    // (eu, 1) -> (us, 5): written column by column it passes through (us, 1), which row 3 holds.
    const t = places().update(['eu', 1], { region: 'us', code: 5 });
    expect(t.get(['us', 5], 'label')).toBe('a');
    expect(t.get(['us', 1], 'label')).toBe('c');
  });

  test('a transform by position swaps the keys of two rows', () => {
    const t = users().transform(
      (x) => x.derive({ id: (d: { id: number }) => (d.id === 1 ? 2 : d.id === 2 ? 1 : d.id) }),
      { match: 'position' },
    );
    expect(t.get(1, 'name')).toBe('Grace');
    expect(t.get(2, 'name')).toBe('Ada');
  });

  test('a duplicate left at the end of the call is refused and nothing of the call is applied', () => {
    const t = users().set(1, 'name', 'pending');
    const before = rowsOf(t);
    const ops = t.operations().length;
    expect(
      codeOf(() =>
        t.setCells([
          { key: 1, column: 'name', value: 'changed' },
          { key: 2, column: 'id', value: 3 },
        ]),
      ),
    ).toBe('duplicate_key');
    expect(rowsOf(t)).toEqual(before);
    expect(t.operations()).toHaveLength(ops);
    expect(codeOf(() => t.update(2, { id: 3 }))).toBe('duplicate_key');
    expect(codeOf(() => t.set(2, 'id', 3))).toBe('duplicate_key');
    expect(rowsOf(t)).toEqual(before);
    // The rows are still found by their keys after the refusals.
    expect([t.get(1, 'name'), t.get(2, 'name'), t.get(3, 'name')]).toEqual([
      'pending',
      'Grace',
      'Linus',
    ]);
  });

  test('a swap made in one call is pushed to SQLite', async () => {
    const db = await nodeDatabase(new MemoryStorage(), 'swaps');
    await db.createTable('t', aq.table({ id: [1, 2, 3], v: ['a', 'b', 'c'] }), {
      primaryKey: 'id',
    });
    const t = await db.table('t');
    t.setCells([
      { key: 1, column: 'id', value: 3 },
      { key: 3, column: 'id', value: 1 },
    ]);
    await t.push();
    const rows = (await db.query('SELECT id, v FROM t ORDER BY id')).objects();
    expect(rows).toEqual([
      { id: 1, v: 'c' },
      { id: 2, v: 'b' },
      { id: 3, v: 'a' },
    ]);
    await db.close();
  });
});
