import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { notes, places, rowsOf, users } from '../support/tables';
import { keyMovesOf } from '../../src/dialect/key-moves';
import type { UpdateStep } from '../../src/plan/execution-plan';

describe('tracked table edits', () => {
  test('sets one cell by key and reports exactly that update', () => {
    const t = users().set(2, 'name', 'Hopper');
    expect(t.get(2, 'name')).toBe('Hopper');
    const { updates, inserts, deletes } = t.changes();
    expect(inserts).toEqual([]);
    expect(deletes).toEqual([]);
    expect(updates).toEqual([
      {
        type: 'update',
        key: [2],
        columns: ['name'],
        oldValues: { name: 'Grace' },
        newValues: { name: 'Hopper' },
      },
    ]);
  });

  test('sets many cells as one operation', () => {
    const t = users().setCells([
      { key: 1, column: 'name', value: 'A' },
      { key: 3, column: 'score', value: 9 },
    ]);
    expect(t.operations()).toHaveLength(1);
    expect(t.changes().updates.map((u) => [u.key, u.columns])).toEqual([
      [[1], ['name']],
      [[3], ['score']],
    ]);
  });

  test('updates several columns of one row', () => {
    const t = users().update(1, { name: 'B', score: 3 });
    expect(t.row(1)).toEqual({ id: 1, name: 'B', zip: '04567', score: 3 });
    expect(t.changes().updates[0]!.columns).toEqual(['name', 'score']);
  });

  test('assigns a whole column from values and from an expression', () => {
    const t = users().assign('score', [10, 20, 30]);
    expect(t.table().array('score')).toEqual([10, 20, 30]);
    t.assign('name', (d: { name: string }) => d.name + '!');
    expect(t.table().array('name')).toEqual(['Ada!', 'Grace!', 'Linus!']);
    expect(t.changes().updates).toHaveLength(3);
  });

  test('inserts rows, taking defaults for left-out columns', () => {
    const t = users().insert([{ id: 4, name: 'Barbara' }]);
    expect(t.numRows).toBe(4);
    const [ins] = t.changes().inserts;
    expect(ins).toMatchObject({ type: 'insert', key: [4], columns: ['id', 'name'] });
    expect(t.row(4)).toEqual({ id: 4, name: 'Barbara', zip: null, score: null });
  });

  test('inserts rows from an Arquero table', () => {
    const t = users().insert(aq.table({ id: [7, 8], name: ['x', 'y'] }));
    expect(t.has(7) && t.has(8)).toBe(true);
  });

  test('deletes rows by key and by predicate', () => {
    const t = users().delete(1);
    expect(t.has(1)).toBe(false);
    expect(t.deleteWhere((d: { score: number | null }) => d.score === null)).toBe(1);
    expect(rowsOf(t).map((r) => r['id'])).toEqual([2]);
    expect(t.changes().deletes.map((d) => d.key)).toEqual([[1], [3]]);
  });

  test('updates rows where a predicate holds, with constants and expressions', () => {
    const t = users();
    const n = t.updateWhere((d: { id: number }) => d.id >= 2, {
      name: 'many',
      score: (d: { id: number }) => d.id * 100,
    });
    expect(n).toBe(2);
    expect(rowsOf(t).map((r) => [r['name'], r['score']])).toEqual([
      ['Ada', 1.5],
      ['many', 200],
      ['many', 300],
    ]);
  });

  test('upserts: updates existing keys, inserts new ones', () => {
    const t = users();
    expect(
      t.upsert([
        { id: 1, name: 'Ada L.' },
        { id: 9, name: 'New' },
      ]),
    ).toEqual({ inserted: 1, updated: 1 });
    expect(t.get(1, 'name')).toBe('Ada L.');
    expect(t.get(9, 'name')).toBe('New');
  });

  test('adds a column with a type, a default and values', () => {
    const t = users().addColumn('age', { type: 'INTEGER', default: 0 });
    expect(t.table().array('age')).toEqual([0, 0, 0]);
    t.addColumn('nick', { type: 'TEXT', values: ['a', 'b', 'c'] });
    expect(t.table().array('nick')).toEqual(['a', 'b', 'c']);
    const plan = t.plan();
    expect(plan.steps.map((s) => s.kind)).toEqual(['addColumn', 'addColumn', 'update']);
  });

  test('drops and renames columns', () => {
    const t = users().dropColumn('zip').renameColumn('name', 'full_name');
    expect(t.table().columnNames()).toEqual(['id', 'full_name', 'score']);
    expect(t.changes().schema).toEqual([
      { type: 'dropColumn', column: 'zip' },
      { type: 'renameColumn', from: 'name', to: 'full_name' },
    ]);
  });

  test("changes a column's type, converting values as SQLite will", () => {
    const t = users().retypeColumn('zip', 'INTEGER', { invalid: 'keep' });
    expect(t.table().array('zip')).toEqual([4567, 10001, 94107]);
    expect(t.changes().schema).toEqual([
      { type: 'retypeColumn', column: 'zip', from: 'TEXT', to: 'INTEGER' },
    ]);
    // The conversion is what the rebuild does: no row updates are needed for it.
    expect(t.changes().updates).toEqual([]);
    // A table made in memory has no CREATE TABLE text yet: the preview says what will happen.
    expect(t.toSql()).toContain('rewrite the declared type of "zip" in "users"');
  });

  test('changes a key value, and swaps keys', () => {
    const t = users().set(1, 'id', 100);
    expect(t.has(1)).toBe(false);
    expect(t.get(100, 'name')).toBe('Ada');
    const s = users().set(1, 'id', 99).set(2, 'id', 1).set(99, 'id', 2);
    expect(s.get(1, 'name')).toBe('Grace');
    expect(s.get(2, 'name')).toBe('Ada');
    const rekey = s.plan().steps.find((st) => st.kind === 'update');
    expect(rekey).toMatchObject({ set: ['id'], count: 2 });
    expect(keyMovesOf(rekey as UpdateStep)).toBe('viaTemporary');
  });

  test('addresses rows of a composite key by array or object', () => {
    const t = places().set(['eu', 2], 'label', 'B').set({ region: 'us', code: 1 }, 'label', 'C');
    expect(rowsOf(t).map((r) => r['label'])).toEqual(['a', 'B', 'C']);
    t.delete([['eu', 1]]);
    expect(t.numRows).toBe(2);
  });

  test('tracks a table without a declared key by rowid', () => {
    const t = notes();
    expect(t.key).toEqual(['rowid']);
    t.set(2, 'body', 'z').insert({ body: 'new' });
    expect(rowsOf(t)).toEqual([
      { rowid: 1, body: 'x' },
      { rowid: 2, body: 'z' },
      { rowid: null, body: 'new' },
    ]);
    expect(t.changes().inserts[0]!.columns).toEqual(['body']);
  });

  test('applies any Arquero transform and diffs the result', () => {
    const t = users().transform((x) => x.derive({ score: (d: { id: number }) => d.id }));
    expect(t.changes().updates.map((u) => u.newValues)).toEqual([
      { score: 1 },
      { score: 2 },
      { score: 3 },
    ]);
    const f = users().transform((x) => x.filter((d: { id: number }) => d.id !== 2));
    expect(f.changes().deletes.map((d) => d.key)).toEqual([[2]]);
    const r = users().transform((x) => x.rename({ zip: 'postcode' }));
    expect(r.changes().schema).toEqual([{ type: 'renameColumn', from: 'zip', to: 'postcode' }]);
    const a = users().transform((x) => x.derive({ twice: (d: { id: number }) => d.id * 2 }));
    expect(a.changes().schema).toEqual([
      { type: 'addColumn', column: 'twice', declaredType: 'INTEGER' },
    ]);
    const u = users().transform((x) =>
      x.concat(aq.table({ id: [5], name: ['n'], zip: ['z'], score: [0] })),
    );
    expect(u.changes().inserts.map((i) => i.key)).toEqual([[5]]);
  });

  test('matches transformed rows by position when asked, changing keys', () => {
    const t = users().transform((x) => x.derive({ id: (d: { id: number }) => d.id + 10 }), {
      match: 'position',
    });
    expect(t.changes().updates.map((u) => u.newKey)).toEqual([[11], [12], [13]]);
    const k = users().transform((x) => x.derive({ id: (d: { id: number }) => d.id + 10 }));
    expect(k.changes().inserts).toHaveLength(3);
    expect(k.changes().deletes).toHaveLength(3);
  });

  test('a cell set back to its stored value is no change', () => {
    const t = users().set(1, 'name', 'X').set(1, 'name', 'Ada');
    expect(t.hasChanges).toBe(false);
    expect(t.plan().steps).toEqual([]);
  });

  test('discards every pending edit', () => {
    const t = users().set(1, 'name', 'X').delete(2).addColumn('c', { type: 'TEXT' });
    t.discard();
    expect(t.hasChanges).toBe(false);
    expect(rowsOf(t)).toEqual(rowsOf(users()));
    expect(t.canUndo).toBe(false);
  });
});
