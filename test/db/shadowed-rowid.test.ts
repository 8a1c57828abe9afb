import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { loadSql } from '../support/memory-storage';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/** A database holding `sql`, imported as a file built with sql.js, and its storage. */
async function databaseWith(sql: string): Promise<{ db: Database; storage: MemoryStorage }> {
  const SQL = await loadSql();
  const raw = new SQL.Database();
  raw.run(sql);
  const bytes = raw.export();
  raw.close();
  const storage = new MemoryStorage();
  const db = await nodeDatabase(storage);
  await db.import(bytes);
  return { db, storage };
}

/** Every row with SQLite's own rowid, read under a name no column of these tables shadows. */
async function stored(db: Database, table: string, rowid: string): Promise<unknown[]> {
  return (await db.query(`SELECT ${rowid} AS r, * FROM "${table}" ORDER BY 1`)).objects();
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e.code;
    throw e;
  }
  return 'none';
}

describe('a table whose columns shadow the rowid', () => {
  it('edits the rows it names when a column is called rowid (the key is _rowid_)', async () => {
    const { db, storage } = await databaseWith(
      `CREATE TABLE k (rowid INTEGER, v TEXT);
       INSERT INTO k (_rowid_, rowid, v) VALUES (1, 2, 'a'), (2, 1, 'b'), (3, NULL, 'c');`,
    );
    const t = await db.table('k');
    expect(t.key).toEqual(['_rowid_']);
    expect(t.table().objects()).toEqual([
      { _rowid_: 1, rowid: 2, v: 'a' },
      { _rowid_: 2, rowid: 1, v: 'b' },
      { _rowid_: 3, rowid: null, v: 'c' },
    ]);
    t.set(1, 'v', 'A');
    t.set(3, 'rowid', 7);
    t.delete(2);
    t.insert({ rowid: 5, v: 'd' });
    await t.push();
    const after = [
      { r: 1, rowid: 2, v: 'A' },
      { r: 3, rowid: 7, v: 'c' },
      { r: 4, rowid: 5, v: 'd' },
    ];
    expect(await stored(db, 'k', 'oid')).toEqual(after);
    expect(t.table().objects()).toEqual(after.map(({ r, ...rest }) => ({ _rowid_: r, ...rest })));
    // Replay of the redo record gives the same rows.
    await db.close();
    const again = await nodeDatabase(storage);
    expect(await stored(again, 'k', 'oid')).toEqual(after);
    await again.close();
  });

  it('updates and deletes the rows of a keyed table whose columns take rowid and _rowid_', async () => {
    const { db } = await databaseWith(
      `CREATE TABLE p (code TEXT PRIMARY KEY, rowid INTEGER, _rowid_ TEXT);
       CREATE TRIGGER p_audit AFTER UPDATE ON p BEGIN SELECT 1; END;
       INSERT INTO p (oid, code, rowid, _rowid_) VALUES (1, 'x', 2, 'two'), (2, 'y', 1, 'one');`,
    );
    const t = await db.table('p');
    t.set('x', 'rowid', 20);
    t.set('y', 'code', 'z');
    t.insert({ code: 'w', rowid: 1, _rowid_: 'new' });
    await t.push();
    expect(await stored(db, 'p', 'oid')).toEqual([
      { r: 1, code: 'x', rowid: 20, _rowid_: 'two' },
      { r: 2, code: 'z', rowid: 1, _rowid_: 'one' },
      { r: 3, code: 'w', rowid: 1, _rowid_: 'new' },
    ]);
    expect(t.table().objects()).toEqual([
      { code: 'x', rowid: 20, _rowid_: 'two' },
      { code: 'z', rowid: 1, _rowid_: 'one' },
      { code: 'w', rowid: 1, _rowid_: 'new' },
    ]);
    await db.close();
  });

  it('refuses a push into a keyed table whose columns take all three names, and keeps its edits', async () => {
    const { db } = await databaseWith(
      `CREATE TABLE p (code TEXT PRIMARY KEY, rowid INTEGER, _rowid_ TEXT, oid TEXT);
       INSERT INTO p VALUES ('x', 1, 'a', 'b');`,
    );
    const t = await db.table('p');
    t.set('x', 'oid', 'B');
    expect(await codeOf(t.push())).toBe('key_column');
    expect(t.changeCounts().updates).toBe(1);
    expect(await stored(db, 'p', 'code')).toEqual([
      { r: 'x', code: 'x', rowid: 1, _rowid_: 'a', oid: 'b' },
    ]);
    await db.close();
  });

  it('refuses to add, drop or rename columns of rowid names, which SQLite cannot alter', async () => {
    const { db } = await databaseWith(
      `CREATE TABLE p (code TEXT PRIMARY KEY, rowid INTEGER, v TEXT);`,
    );
    const t = await db.table('p');
    expect(await codeOf(Promise.resolve().then(() => t.dropColumn('rowid')))).toBe('key_column');
    expect(await codeOf(Promise.resolve().then(() => t.renameColumn('rowid', 'r')))).toBe(
      'key_column',
    );
    expect(await codeOf(Promise.resolve().then(() => t.renameColumn('v', 'OID')))).toBe(
      'invalid_identifier',
    );
    expect(
      await codeOf(Promise.resolve().then(() => t.addColumn('_rowid_', { type: 'TEXT' }))),
    ).toBe('invalid_identifier');
    expect(t.hasChanges).toBe(false);
    await db.close();
  });

  it('refuses, with key_column, a table without a key whose columns take all three rowid names', async () => {
    const { db } = await databaseWith(
      `CREATE TABLE k (ROWID INTEGER, _rowid_ TEXT, Oid TEXT); INSERT INTO k VALUES (1, 'a', 'b');`,
    );
    const e = await db.table('k').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PandalchemyError);
    expect((e as PandalchemyError).code).toBe('key_column');
    expect((e as PandalchemyError).message).toMatch(/rowid, _rowid_ and oid/);
    expect(await codeOf(db.table('k'))).toBe('key_column');
    await db.close();
  });
});
