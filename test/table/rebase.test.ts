import { describe, expect, test } from 'vitest';
import { PandalchemyError } from '../../src/index';
import { effect } from '../support/effects';
import { rowsOf, users } from '../support/tables';

const COLS = ['id', 'name', 'zip', 'score'];
const commit = (
  t: ReturnType<typeof users>,
  spec: Omit<Parameters<typeof effect>[0], 'table' | 'key' | 'columns'>,
  policy?: 'keepLocal' | 'keepRemote',
) =>
  t.applyUpdate(
    {
      kind: 'effect',
      effect: effect({ table: 'users', key: ['id'], columns: COLS, ...spec }),
      info: t.info,
    },
    policy,
  );

describe('rebase onto commits of other writers', () => {
  test('refuses to rebase a table whose push is in flight, moving nothing (found by the tabs test)', () => {
    const t = users().set(1, 'name', 'local');
    t.lock('a push of this table is in flight');
    const before = rowsOf(t);
    let code = '';
    try {
      commit(t, { upserts: [{ prior: [2], row: [2, 'remote', '10001', 2.5] }] });
    } catch (e) {
      code = (e as PandalchemyError).code;
    }
    expect(code).toBe('busy');
    expect(rowsOf(t)).toEqual(before);
    expect(t.changes().updates.map((u) => u.key)).toEqual([[1]]);
  });

  test('keeps edits of different columns of one row: both survive', () => {
    const t = users().set(1, 'name', 'local');
    const conflicts = commit(t, { upserts: [{ prior: [1], row: [1, 'Ada', '99999', 1.5] }] });
    expect(conflicts).toEqual([]);
    expect(t.row(1)).toEqual({ id: 1, name: 'local', zip: '99999', score: 1.5 });
    expect(t.changes().updates).toEqual([
      {
        type: 'update',
        key: [1],
        columns: ['name'],
        oldValues: { name: 'Ada' },
        newValues: { name: 'local' },
      },
    ]);
  });

  test('reports an edit of a column the other writer changed and drops it', () => {
    const t = users().set(1, 'name', 'local').set(2, 'name', 'kept');
    const conflicts = commit(t, { upserts: [{ prior: [1], row: [1, 'remote', '04567', 1.5] }] });
    expect(conflicts).toEqual([
      {
        table: 'users',
        type: 'update',
        key: [1],
        columns: ['name'],
        local: { name: 'local' },
        remote: { name: 'remote' },
        kept: false,
      },
    ]);
    expect(t.get(1, 'name')).toBe('remote');
    expect(t.get(2, 'name')).toBe('kept');
  });

  test('keeps the contested edit when asked, based on the new stored value', () => {
    const t = users().set(1, 'name', 'local');
    const [c] = commit(
      t,
      { upserts: [{ prior: [1], row: [1, 'remote', '04567', 1.5] }] },
      'keepLocal',
    );
    expect(c!.kept).toBe(true);
    expect(t.get(1, 'name')).toBe('local');
    const step = t.plan().steps[0]!;
    expect(step.kind === 'update' && step.guard?.expected).toEqual([['remote']]);
  });

  test('reports an edit of a row the other writer deleted', () => {
    const t = users().set(2, 'name', 'local');
    const conflicts = commit(t, { deleted: [[2]] });
    expect(conflicts.map((c) => [c.type, c.key, c.remote])).toEqual([['update', [2], null]]);
    expect(t.has(2)).toBe(false);
    expect(t.hasChanges).toBe(false);
  });

  test('reports a local insert whose key another writer took', () => {
    const t = users().insert({ id: 7, name: 'mine' });
    const conflicts = commit(t, { upserts: [{ prior: [7], row: [7, 'theirs', null, null] }] });
    expect(conflicts.map((c) => [c.type, c.key])).toEqual([['insert', [7]]]);
    expect(t.get(7, 'name')).toBe('theirs');
  });

  test('applies key swaps made by another writer', () => {
    const t = users();
    commit(t, {
      upserts: [
        { prior: [1], row: [2, 'Ada', '04567', 1.5] },
        { prior: [2], row: [1, 'Grace', '10001', 2.5] },
      ],
    });
    expect(t.get(1, 'name')).toBe('Grace');
    expect(t.get(2, 'name')).toBe('Ada');
  });

  test('keeps a pending swap of keys across a commit of other rows', () => {
    const t = users().setCells([
      { key: 1, column: 'id', value: 2 },
      { key: 2, column: 'id', value: 1 },
    ]);
    const conflicts = commit(t, { upserts: [{ prior: [3], row: [3, 'remote', '94107', null] }] });
    expect(conflicts).toEqual([]);
    expect([t.get(1, 'name'), t.get(2, 'name'), t.get(3, 'name')]).toEqual([
      'Grace',
      'Ada',
      'remote',
    ]);
  });

  test('moves a pending key change back when another writer took the key, and reports it', () => {
    const t = users().set(1, 'id', 7).set(7, 'name', 'mine');
    const conflicts = commit(t, { upserts: [{ prior: [7], row: [7, 'theirs', null, null] }] });
    expect(conflicts.map((c) => [c.type, c.key, c.columns])).toEqual([['update', [1], ['id']]]);
    expect(t.get(1, 'name')).toBe('mine');
    expect(t.get(7, 'name')).toBe('theirs');
    expect(t.numRows).toBe(4);
  });

  test('takes a table without pending edits to the committed state and appends new rows', () => {
    const t = users();
    commit(t, { deleted: [[3]], upserts: [{ prior: [4], row: [4, 'new', null, null] }] });
    expect(rowsOf(t).map((r) => r['id'])).toEqual([1, 2, 4]);
    expect(t.hasChanges).toBe(false);
  });

  test('keeps pending schema changes and the edits that use them', () => {
    const t = users()
      .addColumn('age', { type: 'INTEGER' })
      .set(1, 'age', 30)
      .renameColumn('zip', 'postcode');
    commit(t, { upserts: [{ prior: [2], row: [2, 'G', '10001', 2.5] }] });
    expect(t.row(1)).toEqual({ id: 1, name: 'Ada', postcode: '04567', score: 1.5, age: 30 });
    expect(t.get(2, 'name')).toBe('G');
    expect(t.changes().schema).toHaveLength(2);
  });

  test('refuses edits while a push is in flight', () => {
    const t = users();
    t.lock('a push is in flight');
    expect(() => t.set(1, 'name', 'x')).toThrow(PandalchemyError);
    expect(() => t.discard()).toThrow(/push is in flight/);
    t.lock(null);
    t.set(1, 'name', 'x');
    expect(t.get(1, 'name')).toBe('x');
  });
});
