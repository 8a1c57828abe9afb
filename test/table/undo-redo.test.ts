import { describe, expect, test } from 'vitest';
import { rowsOf, users } from '../support/tables';

describe('operation log, undo and redo', () => {
  test('records no operation for an edit that changes no value (found by the API model test)', () => {
    const t = users();
    expect(t.updateWhere((d: { id: number }) => d.id === 1, { name: 'Ada' })).toBe(1);
    expect(t.assign('zip', ['04567', '10001', '94107']).operations()).toHaveLength(0);
    t.set(2, 'name', 'Grace');
    expect(t.operations()).toHaveLength(0);
    expect(t.undo()).toBe(false);
    expect(t.hasChanges).toBe(false);
  });

  test('undoes and redoes each kind of operation', () => {
    const t = users();
    const states: unknown[] = [rowsOf(t)];
    const ops: ((x: ReturnType<typeof users>) => unknown)[] = [
      (x) => x.set(1, 'name', 'A'),
      (x) => x.insert({ id: 5, name: 'E' }),
      (x) => x.delete(2),
      (x) => x.addColumn('age', { type: 'INTEGER', default: 1 }),
      (x) => x.renameColumn('zip', 'postcode'),
      (x) => x.retypeColumn('postcode', 'INTEGER'),
      (x) => x.set(5, 'id', 50),
      (x) => x.assign('score', [1, 2, 3]),
      (x) => x.transform((y) => y.derive({ name: (d: { name: string }) => d.name + '?' })),
      (x) => x.dropColumn('age'),
      (x) => x.updateWhere((d: { id: number }) => d.id > 1, { name: 'w' }),
    ];
    for (const op of ops) {
      op(t);
      states.push({ rows: rowsOf(t), cols: t.table().columnNames() });
      states[states.length - 1] = { rows: rowsOf(t), cols: t.table().columnNames() };
    }
    expect(t.operations()).toHaveLength(ops.length);
    const snapshots = states.slice(1);
    for (let i = ops.length - 1; i >= 0; i--) {
      expect(t.undo()).toBe(true);
      const expected = i === 0 ? rowsOf(users()) : (snapshots[i - 1] as { rows: unknown }).rows;
      expect(rowsOf(t)).toEqual(expected);
    }
    expect(t.undo()).toBe(false);
    expect(t.hasChanges).toBe(false);
    for (let i = 0; i < ops.length; i++) {
      expect(t.redo()).toBe(true);
      expect({ rows: rowsOf(t), cols: t.table().columnNames() }).toEqual(snapshots[i]);
    }
    expect(t.redo()).toBe(false);
  });

  test('a new operation clears what could be redone', () => {
    const t = users().set(1, 'name', 'A');
    t.undo();
    expect(t.canRedo).toBe(true);
    t.set(2, 'name', 'B');
    expect(t.canRedo).toBe(false);
  });

  test('lists operations with a description', () => {
    const t = users().set(1, 'name', 'A').delete(3);
    expect(t.operations().map((o) => [o.kind, o.description])).toEqual([
      ['set', 'set name of 1'],
      ['delete', 'delete 1 row(s)'],
    ]);
  });
});
