import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import type { PandalchemyError } from '../../src/index';
import { ConflictError } from '../../src/index';
import type { PlanPass } from '../../src/plan/execution-plan';
import { MemoryStorage, loadSql } from '../support/memory-storage';
import { nodeDatabase } from '../support/node-database';

// A table's handle outlives the table: another writer (or this one) drops it, creates a table of
// the same name again, or an import replaces the database. The handle must say so (stale), never
// show rows that are gone as if they were there, take the new table in, and report every pending
// edit it cannot make (a handle that was forgotten kept the old rows, and its pushes went into the
// new table unseen).

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function two(): Promise<[Database, Database]> {
  const storage = new MemoryStorage();
  const a = await nodeDatabase(storage, 'recreated');
  open.push(a);
  await a.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
  const b = await nodeDatabase(storage, 'recreated');
  open.push(b);
  return [a, b];
}

const rows = (t: { table(): aq.ColumnTable }): object[] => t.table().objects();

async function recreate(b: Database): Promise<void> {
  await b.dropTable('t');
  await b.createTable('t', aq.table({ id: [2, 5], v: ['B', 'E'], w: [20, 50] }), {
    primaryKey: 'id',
  });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('a table dropped and created again by another writer', () => {
  it('a handle without edits shows the new table, and its edits go into it', async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    await recreate(b);
    await a.refresh();
    expect(rows(t)).toEqual([
      { id: 2, v: 'B', w: 20 },
      { id: 5, v: 'E', w: 50 },
    ]);
    expect(t.stale).toBe(false);
    expect(await a.table('t')).toBe(t);
    t.set(5, 'w', 51);
    await t.push();
    expect(rows(t)).toContainEqual({ id: 5, v: 'E', w: 51 });
    expect((await b.query('SELECT w FROM t WHERE id = 5')).objects()).toEqual([{ w: 51 }]);
  });

  it('a handle with edits refuses to push them, before and after the drop is taken in', async () => {
    const [a, b] = await two();
    await a.createTable('u', aq.table({ id: [1] }), { primaryKey: 'id' });
    const u = await a.table('u');
    const t = await a.table('t');
    t.set(2, 'v', 'mine');
    t.insert({ id: 9, v: 'new' });
    await recreate(b);
    // Row 2 and the key 9 fit the new table too: the edits must not land there unseen. The
    // engine refuses them while this database has not taken the commits in...
    const before = await failure(t.push());
    expect(before).toBeInstanceOf(ConflictError);
    expect((before as ConflictError).message).toContain('dropped table "t"');
    expect((before as ConflictError).conflicts.map((c) => [c.key, c.missing])).toEqual([
      [[2], true],
      [[9], true],
    ]);
    // ...and the database itself once it has (another table's refresh takes them in).
    await u.refresh();
    expect(t.stale).toBe(true);
    const after = await failure(t.push());
    expect(after).toBeInstanceOf(ConflictError);
    expect((after as ConflictError).message).toContain('was dropped');
    expect(t.hasChanges).toBe(true);
    expect((await b.query('SELECT id, v FROM t')).objects()).toEqual([
      { id: 2, v: 'B' },
      { id: 5, v: 'E' },
    ]);
  });

  it('refresh() reports each pending edit, none kept, and shows the new table', async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    t.set(2, 'v', 'mine');
    t.delete(1);
    t.insert({ id: 9, v: 'new' });
    await recreate(b);
    const conflicts = await t.refresh();
    expect(conflicts.map((c) => [c.type, c.key, c.kept])).toEqual([
      ['delete', [1], false],
      ['update', [2], false],
      ['insert', [9], false],
    ]);
    expect(t.hasChanges).toBe(false);
    expect(t.stale).toBe(false);
    expect(rows(t)).toEqual([
      { id: 2, v: 'B', w: 20 },
      { id: 5, v: 'E', w: 50 },
    ]);
    expect(await a.refresh()).toEqual([]);
    t.set(2, 'w', 21);
    await a.push();
    expect((await b.query('SELECT w FROM t WHERE id = 2')).objects()).toEqual([{ w: 21 }]);
  });
});

describe('a table dropped and created again by one push', () => {
  it('is told to other writers as its drop: their edits are refused and reported, not rebased', async () => {
    const [a, b] = await two();
    await b.createTable('u', aq.table({ id: [1], w: [1] }), { primaryKey: 'id' });
    const t = await a.table('t');
    t.set(1, 'v', 'mine');
    // b's push of another table, to which a plan pass adds: drop t, create it again.
    const u = await b.table('u');
    u.set(1, 'w', 2);
    const recreate: PlanPass = (plan) => ({
      ...plan,
      steps: [
        { kind: 'dropTable', table: 't' },
        {
          kind: 'createTable',
          table: 't',
          columns: [
            { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
            { name: 'v', declaredType: 'TEXT', notNull: false, default: null },
          ],
          primaryKey: ['id'],
          autoIncrement: false,
        },
        ...plan.steps,
        // The same rows as before: only the drop tells the tables apart.
        {
          kind: 'insert',
          table: 't',
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['id', 'v'],
          types: ['INTEGER', 'TEXT'],
          values: [
            [1, 2],
            ['a', 'b'],
          ],
          count: 2,
        },
      ],
    });
    await u.push({ passes: [recreate] });
    const e = await failure(t.push());
    expect(e).toBeInstanceOf(ConflictError);
    const conflicts = await t.refresh();
    expect(conflicts.map((c) => [c.type, c.key, c.kept])).toEqual([['update', [1], false]]);
    expect(rows(t)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    expect(t.stale).toBe(false);
  });
});

describe('a table dropped and not created again', () => {
  it('its handle is stale, shows no rows once refreshed, and takes the table in when it is created', async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    await b.dropTable('t');
    await a.refresh();
    expect(t.stale).toBe(true);
    expect(t.table().numRows()).toBe(0);
    const e = await failure(a.table('t'));
    expect((e as PandalchemyError).code).toBe('unknown_table');
    t.insert({ id: 7, v: 'x' });
    expect(await failure(t.push())).toBeInstanceOf(ConflictError);
    expect(await a.refresh()).toMatchObject([{ type: 'insert', key: [7], kept: false }]);
    await b.createTable('t', aq.table({ id: [3], v: ['c'] }), { primaryKey: 'id' });
    await a.refresh();
    expect(t.stale).toBe(false);
    expect(rows(t)).toEqual([{ id: 3, v: 'c' }]);
    expect(await a.table('t')).toBe(t);
  });

  it('this database dropping it leaves its handle stale and empty, never the old rows', async () => {
    const [a] = await two();
    const t = await a.table('t');
    await a.dropTable('t');
    await a.refresh();
    expect(t.table().numRows()).toBe(0);
    await a.createTable('t', aq.table({ id: [4], v: ['d'] }), { primaryKey: 'id' });
    expect(rows(await a.table('t'))).toEqual([{ id: 4, v: 'd' }]);
    expect(rows(t)).toEqual([{ id: 4, v: 'd' }]);
  });
});

describe('import() replacing tables under pending edits', () => {
  async function file(sql: string): Promise<Uint8Array> {
    const SQL = await loadSql();
    const f = new SQL.Database();
    try {
      f.run(sql);
      return f.export();
    } finally {
      f.close();
    }
  }

  it('returns every edit of a table the file does not have, and the contested ones of those it has', async () => {
    const [a] = await two();
    await a.createTable('u', aq.table({ id: [1, 2], n: [10, 20] }), { primaryKey: 'id' });
    const t = await a.table('t');
    const u = await a.table('u');
    t.set(1, 'v', 'mine');
    u.set(1, 'n', 11);
    u.set(2, 'n', 21);
    const conflicts = await a.import(
      await file(
        'CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO u VALUES (1, 10), (2, 99);',
      ),
    );
    expect(conflicts.map((c) => [c.table, c.type, c.key, c.kept])).toEqual([
      ['t', 'update', [1], false],
      ['u', 'update', [2], false],
    ]);
    // The uncontested edit is still pending, the contested one took the file's value.
    expect(u.changes().updates.map((c) => c.key)).toEqual([[1]]);
    expect(rows(u)).toEqual([
      { id: 1, n: 11 },
      { id: 2, n: 99 },
    ]);
    expect(t.table().numRows()).toBe(0);
    expect(t.stale).toBe(true);
  });

  it("keeps contested edits with { policy: 'keepLocal' } and refuses another policy", async () => {
    const [a] = await two();
    const t = await a.table('t');
    t.set(2, 'v', 'mine');
    const bytes = await file(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'theirs');",
    );
    const e = await failure(a.import(bytes, { policy: 'mine' as never }));
    expect((e as PandalchemyError).code).toBe('invalid_argument');
    expect(rows(t)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'mine' },
    ]);
    const conflicts = await a.import(bytes, { policy: 'keepLocal' });
    expect(conflicts).toMatchObject([
      { table: 't', key: [2], kept: true, remote: { v: 'theirs' } },
    ]);
    expect(rows(t)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'mine' },
    ]);
  });
});

describe('a new table named as one that exists, in another case', () => {
  it('is refused as name_taken, by the database and by the engine', async () => {
    const [a, b] = await two();
    const e1 = await failure(a.createTable('T', aq.table({ id: [1] }), { primaryKey: 'id' }));
    expect((e1 as PandalchemyError).code).toBe('name_taken');
    await b.createTable('Other', aq.table({ id: [1] }), { primaryKey: 'id' });
    // `a` has not taken b's commit in: only the engine can tell.
    expect(a.tableNames()).not.toContain('Other');
    const e2 = await failure(a.createTable('OTHER', aq.table({ id: [1] }), { primaryKey: 'id' }));
    expect((e2 as PandalchemyError).code).toBe('name_taken');
    expect((e2 as PandalchemyError).message).toContain('"Other"');
  });
});

describe('commits taken in after a table was read again', () => {
  it('are not applied twice over what the read already holds', async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    const u = await b.table('t');
    // A schema change makes `a` read the table again; the engine then reads the latest commit,
    // which already holds the row edits after it.
    u.addColumn('x', { type: 'INTEGER' });
    await u.push();
    u.set(1, 'x', 5);
    await u.push();
    u.delete(1);
    await u.push();
    u.renameColumn('x', 'y');
    await u.push();
    await a.refresh();
    expect(rows(t)).toEqual([{ id: 2, v: 'b', y: null }]);
    expect(t.stale).toBe(false);
    t.set(2, 'y', 7);
    await t.push();
    expect((await b.query('SELECT id, v, y FROM t')).objects()).toEqual([{ id: 2, v: 'b', y: 7 }]);
  });
});
