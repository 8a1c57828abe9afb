import * as aq from 'arquero';
import { afterEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/index';
import { loadSql } from '../support/memory-storage';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/**
 * A parent table whose rows own child rows (ON DELETE CASCADE): deleting a parent row and putting
 * a row with the same key back must not wipe its children. Net changes only: an identical row is
 * no change, a different one an UPDATE of the columns that differ.
 */
async function family(): Promise<{ db: Database; parent: DatabaseTable }> {
  const SQL = await loadSql();
  const file = new SQL.Database();
  file.run(`
    CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT, note TEXT DEFAULT 'n',
                         made TEXT DEFAULT (strftime('%Y', 'now') || '-made'));
    CREATE TABLE child (id INTEGER PRIMARY KEY,
                        parent INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE CASCADE);
    INSERT INTO parent VALUES (1, 'one', 'n', 'old'), (2, 'two', 'x', 'old'), (3, 'three', 'n', 'old');
    INSERT INTO child VALUES (10, 1), (20, 2), (30, 3);
  `);
  const bytes = file.export();
  file.close();
  const db = await nodeDatabase(new MemoryStorage(), 'family');
  await db.import(bytes);
  opened.push(db);
  return { db, parent: await db.table('parent') };
}

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function rows(db: Database, table: string): Promise<Record<string, unknown>[]> {
  return (await db.query(`SELECT * FROM ${table} ORDER BY id`)).objects() as Record<
    string,
    unknown
  >[];
}

describe('a row deleted and put back under its key (issue 16 item 2)', () => {
  test('an identical row put back is no change at all', async () => {
    const { db, parent } = await family();
    parent.delete(1);
    parent.insert({ id: 1, name: 'one', note: 'n' });
    expect(parent.hasChanges).toBe(false);
    expect(parent.changeCounts()).toEqual({ inserts: 0, updates: 0, deletes: 0, schema: 0 });
    expect(parent.plan().steps).toEqual([]);
    await db.push();
    expect(await rows(db, 'child')).toEqual([
      { id: 10, parent: 1 },
      { id: 20, parent: 2 },
      { id: 30, parent: 3 },
    ]);
  });

  test('a different row put back is an UPDATE of the columns that differ; the child survives', async () => {
    const { db, parent } = await family();
    parent.delete(2);
    // note is left to its constant default 'n'; made has an expression default: it keeps its value.
    parent.insert({ id: 2, name: 'TWO' });
    const steps = parent.plan().steps;
    expect(steps.map((s) => s.kind)).toEqual(['update']);
    expect(steps[0]).toMatchObject({ set: ['name', 'note'], count: 1 });
    await parent.push();
    expect(await rows(db, 'parent')).toContainEqual({ id: 2, name: 'TWO', note: 'n', made: 'old' });
    expect(await rows(db, 'child')).toHaveLength(3);
  });

  test('deleteWhere, upsert and two transforms put rows back without a DELETE', async () => {
    const { db, parent } = await family();
    parent.deleteWhere((d: { id: number }) => d.id <= 2);
    parent.upsert({ id: 1, name: 'uno', note: 'n' });
    parent.insert({ id: 2, name: 'two', note: 'x' });
    parent.transform((t) => t.filter((d: { id: number }) => d.id !== 3));
    parent.transform((t) =>
      t.concat(aq.table({ id: [3], name: ['drei'], note: ['n'], made: ['old'] })),
    );
    expect(parent.changeCounts()).toEqual({ inserts: 0, updates: 2, deletes: 0, schema: 0 });
    expect(parent.plan().steps.map((s) => s.kind)).toEqual(['update']);
    await parent.push();
    expect((await rows(db, 'parent')).map((r) => r['name'])).toEqual(['uno', 'two', 'drei']);
    expect(await rows(db, 'child')).toHaveLength(3);
  });

  test('a key changed onto a deleted row takes that row over, in either order', async () => {
    for (const order of ['delete first', 'move first'] as const) {
      const { db, parent } = await family();
      if (order === 'delete first') {
        parent.delete(2);
        parent.set(3, 'id', 2);
      } else {
        parent.set(2, 'id', 5);
        parent.set(3, 'id', 2);
        parent.delete(5);
      }
      // Net by key: row 2 now holds what row 3 held, and key 3 is gone.
      expect(parent.changes().deletes.map((c) => c.key)).toEqual([[3]]);
      expect(parent.changes().updates.map((c) => [c.key, c.columns])).toEqual([
        [[2], ['name', 'note']],
      ]);
      await parent.push();
      expect(await rows(db, 'parent')).toEqual([
        { id: 1, name: 'one', note: 'n', made: 'old' },
        { id: 2, name: 'three', note: 'n', made: 'old' },
      ]);
      // Row 2 was never deleted: its child stays; row 3's went with it.
      expect(await rows(db, 'child')).toEqual([
        { id: 10, parent: 1 },
        { id: 20, parent: 2 },
      ]);
    }
  });

  test('an inserted row moved onto a deleted key takes that row over', async () => {
    const { db, parent } = await family();
    parent.delete(1);
    parent.insert({ id: 9, name: 'nine', note: 'n', made: 'new' });
    parent.set(9, 'id', 1);
    expect(parent.changeCounts()).toEqual({ inserts: 0, updates: 1, deletes: 0, schema: 0 });
    await parent.push();
    expect((await rows(db, 'parent'))[0]).toEqual({ id: 1, name: 'nine', note: 'n', made: 'new' });
    expect(await rows(db, 'child')).toHaveLength(3);
  });

  test('undo takes the put-back row out again, redo puts it back', async () => {
    const { db, parent } = await family();
    parent.delete(1);
    parent.insert({ id: 1, name: 'uno', note: 'n' });
    expect(parent.changeCounts()).toMatchObject({ updates: 1, deletes: 0, inserts: 0 });
    parent.undo();
    expect(parent.has(1)).toBe(false);
    expect(parent.changeCounts()).toMatchObject({ updates: 0, deletes: 1, inserts: 0 });
    parent.redo();
    expect(parent.get(1, 'name')).toBe('uno');
    await parent.push();
    expect(await rows(db, 'child')).toHaveLength(3);
  });
});
