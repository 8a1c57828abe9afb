import { describe, expect, test } from 'vitest';
import { rowsOf, users } from '../support/tables';

describe('snapshots', () => {
  test('an Arquero table handed out never changes afterwards', () => {
    const t = users();
    const before = t.table();
    const copy = before.objects();
    t.set(1, 'name', 'changed')
      .delete(2)
      .insert({ id: 9, name: 'n' })
      .addColumn('x', { type: 'TEXT', default: 'd' });
    t.assign('score', [7, 8, 9]);
    expect(before.objects()).toEqual(copy);
    const mid = t.table();
    const midCopy = mid.objects();
    t.undo();
    t.set(9, 'name', 'again');
    expect(mid.objects()).toEqual(midCopy);
  });

  test('reuses the same snapshot until the next edit', () => {
    const t = users();
    expect(t.table()).toBe(t.table());
    const a = t.table();
    t.set(1, 'name', 'z');
    expect(t.table()).not.toBe(a);
  });

  test('hides deleted rows from every reader', () => {
    const t = users().delete(2);
    expect(t.table().numRows()).toBe(2);
    expect(t.table().array('id')).toEqual([1, 3]);
    expect(t.table().reify().column('id')!.length).toBe(2);
    expect(rowsOf(t).map((r) => r['id'])).toEqual([1, 3]);
  });
});
