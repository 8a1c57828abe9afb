import { describe, expect, test } from 'vitest';
import { TrackedTable } from '../../src/table/tracked-table';
import { kindOf } from '../../src/values/column-kind';
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

  test("records no operation for a value an inserted row's cell already has by a constant default (found by the API model test)", () => {
    const t = users();
    t.insert({ id: 5, name: 'E' });
    t.addColumn('plan', { type: 'TEXT', default: '' });
    t.set(5, 'plan', '');
    t.set(5, 'score', null);
    expect(t.operations()).toHaveLength(2);
    // So undo takes back the column, not an edit that changed nothing.
    expect(t.undo()).toBe(true);
    expect(t.table().columnNames()).not.toContain('plan');
    t.set(5, 'zip', '00000');
    expect(t.operations()).toHaveLength(2);
  });

  test("records writing any value to an inserted row's cell left to an expression default", () => {
    const columns = [
      ['id', 'INTEGER', null],
      ['made', 'TEXT', 'CURRENT_TIMESTAMP'],
      ['n', 'INTEGER', '(1 + 1)'],
    ] as const;
    const t = new TrackedTable(
      {
        name: 'events',
        columns: columns.map(([name, declaredType, defaultSql], i) => ({
          name,
          declaredType,
          kind: kindOf(declaredType),
          notNull: false,
          defaultSql,
          primaryKey: i === 0 ? 1 : 0,
        })),
        key: { kind: 'primary', columns: ['id'], autoAssigned: true },
        withoutRowid: false,
        autoIncrement: false,
        indexes: [],
        foreignKeys: [],
        triggers: [],
        sql: 'CREATE TABLE events (id INTEGER PRIMARY KEY, made TEXT DEFAULT CURRENT_TIMESTAMP, n INTEGER DEFAULT (1 + 1))',
      },
      { names: ['id', 'made', 'n'], columns: [[], [], []], length: 0 },
    );
    t.insert({ id: 1 });
    // The cells show null, but the database would store a time and 2: null is a change.
    t.set(1, 'made', null);
    t.set(1, 'n', null);
    expect(t.operations()).toHaveLength(3);
    const insert = t.plan().steps.find((s) => s.kind === 'insert');
    expect(insert && insert.kind === 'insert' ? insert.columns : []).toEqual(['id', 'made', 'n']);
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
      (x) => x.retypeColumn('postcode', 'INTEGER', { invalid: 'keep' }),
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
