import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { MemoryStorage, loadSql } from '../support/memory-storage';
import { nodeDatabase } from '../support/node-database';
import { PandalchemyError } from '../../src/index';

/** The code of the PandalchemyError a promise rejects with (anything else is rethrown). */
async function rejection(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e.code;
    throw e;
  }
  return null;
}

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

async function open(storage: MemoryStorage): Promise<Database> {
  const db = await nodeDatabase(storage, 'vt');
  opened.push(db);
  return db;
}

/** An SQLite file made by `statements` (run in a fresh sql.js database). */
async function fileOf(statements: readonly string[]): Promise<Uint8Array> {
  const SQL = await loadSql();
  const f = new SQL.Database();
  try {
    for (const s of statements) f.run(s);
    return f.export();
  } finally {
    f.close();
  }
}

/** A file whose schema names a module sql.js lacks (written as another SQLite would have). */
function withModule(module: string): Promise<Uint8Array> {
  return fileOf([
    'CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)',
    "INSERT INTO a VALUES (1, 'from the file')",
    'PRAGMA writable_schema=ON',
    `INSERT INTO sqlite_schema VALUES ('table', 'r', 'r', 0, 'CREATE VIRTUAL TABLE r USING ${module}(id, x0, x1)')`,
    'PRAGMA writable_schema=OFF',
  ]);
}

/** Documents with an FTS4 index kept up to date by triggers, as SQLite's documentation shows. */
const FTS_FILE = [
  'CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, n INTEGER REFERENCES parent(id) ON DELETE CASCADE)',
  'CREATE TABLE parent (id INTEGER PRIMARY KEY)',
  'INSERT INTO parent VALUES (1), (2)',
  'CREATE VIRTUAL TABLE docs_fts USING fts4(body)',
  'CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN INSERT INTO docs_fts (docid, body) VALUES (new.id, new.body); END',
  'CREATE TRIGGER docs_au AFTER UPDATE ON docs BEGIN UPDATE docs_fts SET body = new.body WHERE docid = old.id; END',
  'CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN DELETE FROM docs_fts WHERE docid = old.id; END',
  "INSERT INTO docs VALUES (1, 'red apple', 1), (2, 'green pear', 2)",
];

describe('a file with a table of a module this SQLite lacks', () => {
  for (const module of ['rtree', 'fts5']) {
    it(`(${module}) is refused as unsupported, and the database, what is stored and pending edits stay`, async () => {
      const storage = new MemoryStorage();
      const db = await open(storage);
      const keep = await db.createTable('keep', aq.table({ id: [1], v: ['stored'] }), {
        primaryKey: 'id',
      });
      keep.set(1, 'v', 'pending');
      expect(await rejection(db.import(await withModule(module)))).toBe('unsupported');
      expect(db.tableNames()).toEqual(['keep']);
      expect(keep.hasChanges).toBe(true);
      expect((await db.query('SELECT v FROM keep')).objects()).toEqual([{ v: 'stored' }]);
      await keep.push();
      const again = await open(storage);
      expect(again.tableNames()).toEqual(['keep']);
      expect((await again.query('SELECT v FROM keep')).objects()).toEqual([{ v: 'pending' }]);
    });
  }
});

describe('a database with an FTS4 table', () => {
  it('pushes to a table whose triggers keep the index (the change log skips the virtual table)', async () => {
    const storage = new MemoryStorage();
    const db = await open(storage);
    await db.import(await fileOf(FTS_FILE));
    const docs = await db.table('docs');
    const fts = await db.table('docs_fts');
    docs.set(1, 'body', 'yellow banana');
    docs.insert({ id: 3, body: 'blue plum', n: 1 });
    docs.delete(2);
    await docs.push();
    const hits = (
      await db.query("SELECT docid FROM docs_fts WHERE body MATCH 'banana OR plum' ORDER BY docid")
    ).objects();
    expect(hits).toEqual([{ docid: 1 }, { docid: 3 }]);
    // The index's rows changed where no trigger of the log saw them: its table shows them now.
    const again = await db.table('docs_fts');
    expect(
      again
        .table()
        .objects()
        .map((r) => (r as { body: string }).body)
        .sort(),
    ).toEqual(['blue plum', 'yellow banana']);
    // The handle loaded before the push (no pending edits) is reloaded with them.
    expect(
      fts
        .table()
        .objects()
        .map((r) => (r as { body: string }).body)
        .sort(),
    ).toEqual(['blue plum', 'yellow banana']);
    const reopened = await open(storage);
    expect((await reopened.query('SELECT count(*) AS n FROM docs_fts')).objects()).toEqual([
      { n: 2 },
    ]);
  });

  it('pushes a cascade delete beside the FTS table', async () => {
    const db = await open(new MemoryStorage());
    await db.import(await fileOf(FTS_FILE));
    const parent = await db.table('parent');
    parent.delete(2);
    await parent.push();
    expect((await db.query('SELECT id FROM docs ORDER BY id')).objects()).toEqual([{ id: 1 }]);
    expect((await db.query('SELECT count(*) AS n FROM docs_fts')).objects()).toEqual([{ n: 1 }]);
  });

  it('refuses a push that writes the virtual table itself as unsupported, changing nothing', async () => {
    const storage = new MemoryStorage();
    const db = await open(storage);
    await db.import(await fileOf(FTS_FILE));
    const fts = await db.table('docs_fts');
    const docs = await db.table('docs');
    docs.set(1, 'body', 'kept pending');
    fts.insert({ body: 'written directly' });
    expect(await rejection(db.push())).toBe('unsupported');
    expect(fts.hasChanges && docs.hasChanges).toBe(true);
    expect((await db.query('SELECT count(*) AS n FROM docs_fts')).objects()).toEqual([{ n: 2 }]);
    expect((await db.query('SELECT body FROM docs WHERE id = 1')).objects()).toEqual([
      { body: 'red apple' },
    ]);
    const reopened = await open(storage);
    expect((await reopened.query('SELECT count(*) AS n FROM docs_fts')).objects()).toEqual([
      { n: 2 },
    ]);
  });
});
