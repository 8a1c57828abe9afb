import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { ConflictError, PandalchemyError } from '../../src/index';
import { MemoryStorage, nodeDatabase, nodeDatabaseFrom } from '../support/node-database';

// A push that addresses a row the database does not have (another writer deleted it, took its
// key, or the key is NULL, which no `=` finds) must not resolve as if it had written it: it is
// refused with a typed error naming the row, nothing is written, and the edits are kept.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function two(create: (db: Database) => Promise<unknown>): Promise<[Database, Database]> {
  const storage = new MemoryStorage();
  const a = await nodeDatabase(storage, 'rows');
  open.push(a);
  await create(a);
  const b = await nodeDatabase(storage, 'rows');
  open.push(b);
  return [a, b];
}

async function refusal(p: Promise<unknown>): Promise<PandalchemyError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof PandalchemyError)) throw new Error(`expected a PandalchemyError, got ${e}`);
  return e;
}

const rows = async (db: Database): Promise<object[]> =>
  (await db.query('SELECT * FROM t ORDER BY id')).objects();

const items = (db: Database): Promise<unknown> =>
  db.createTable('t', aq.table({ id: [1, 2, 3], v: ['a', 'b', 'c'] }), { primaryKey: 'id' });

describe('a push of rows that are not there', () => {
  it('overwrite of an update to a row another writer deleted is a conflict naming the row, and the edit is kept', async () => {
    const [a, b] = await two(items);
    const mine = await a.table('t');
    const theirs = await b.table('t');
    theirs.delete(2);
    await theirs.push();
    mine.set(2, 'v', 'mine');
    mine.set(3, 'v', 'also mine');
    const e = await refusal(mine.push({ conflict: 'overwrite' }));
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).conflicts).toEqual([
      { table: 't', key: [2], columns: [], missing: true },
    ]);
    expect(mine.changeCounts()).toMatchObject({ updates: 2 });
    expect(await rows(a)).toEqual([
      { id: 1, v: 'a' },
      { id: 3, v: 'c' },
    ]);
    // Rebased, the edit of the gone row is reported and the other one goes in.
    const conflicts = await mine.refresh();
    expect(conflicts).toMatchObject([{ type: 'update', key: [2], remote: null, kept: false }]);
    await mine.push({ conflict: 'overwrite' });
    expect(await rows(a)).toEqual([
      { id: 1, v: 'a' },
      { id: 3, v: 'also mine' },
    ]);
  });

  it('overwrite still writes over another writer’s values, and deletes a row already gone', async () => {
    const [a, b] = await two(items);
    const mine = await a.table('t');
    const theirs = await b.table('t');
    theirs.set(1, 'v', 'theirs');
    theirs.delete(3);
    await theirs.push();
    mine.set(1, 'v', 'mine');
    mine.delete(3);
    await mine.push({ conflict: 'overwrite' });
    expect(await rows(a)).toEqual([
      { id: 1, v: 'mine' },
      { id: 2, v: 'b' },
    ]);
  });

  it('an insert of a key another writer took is a conflict whose advice works, also under overwrite', async () => {
    const [a, b] = await two(items);
    const mine = await a.table('t');
    const theirs = await b.table('t');
    theirs.insert({ id: 4, v: 'theirs' });
    await theirs.push();
    mine.insert({ id: 4, v: 'mine' });
    const e = await refusal(mine.push());
    expect(e.code).toBe('conflict');
    expect(e.message).toContain("refresh({ policy: 'keepLocal' })");
    const again = await refusal(mine.push({ conflict: 'overwrite' }));
    expect(again.code).toBe('conflict');
    expect(mine.changeCounts()).toMatchObject({ inserts: 1 });
    await mine.refresh({ policy: 'keepLocal' });
    await mine.push();
    expect(await rows(a)).toContainEqual({ id: 4, v: 'mine' });
  });

  it('an insert that only a NOCASE key makes a duplicate, with no other writer, is a constraint failure', async () => {
    const db = await nodeDatabaseFrom(
      "CREATE TABLE t (k TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER); INSERT INTO t VALUES ('b', 1)",
      'nocase',
    );
    open.push(db);
    const t = await db.table('t');
    t.insert({ k: 'B', v: 2 });
    const e = await refusal(t.push());
    expect(e.code).toBe('constraint');
    expect(e.message).toContain('UNIQUE');
    expect(t.changeCounts()).toMatchObject({ inserts: 1 });
  });

  it('an edit of a row whose PRIMARY KEY is NULL is refused as null_key, nothing written', async () => {
    const db = await nodeDatabaseFrom(
      "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (NULL, 1), (NULL, 2), ('a', 3)",
      'nullkey',
    );
    open.push(db);
    const t = await db.table('t');
    const ref = t.rowRefs()[0]!;
    t.setAt(ref, 'v', 100);
    const e = await refusal(t.push());
    expect(e.code).toBe('null_key');
    expect(e.message).toContain('"k"');
    expect(t.changeCounts()).toMatchObject({ updates: 1 });
    const stored = (await db.query('SELECT k, v FROM t ORDER BY v')).objects();
    expect(stored).toEqual([
      { k: null, v: 1 },
      { k: null, v: 2 },
      { k: 'a', v: 3 },
    ]);
    // The other rows are still pushed once that edit is undone.
    t.undo();
    t.set('a', 'v', 30);
    await t.push();
    expect((await db.query("SELECT v FROM t WHERE k = 'a'")).objects()).toEqual([{ v: 30 }]);
  });
});
