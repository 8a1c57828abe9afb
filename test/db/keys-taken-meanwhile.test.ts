import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { ConflictError, type PandalchemyError } from '../../src/index';
import { loadSql } from '../support/memory-storage';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// A push that moves a row to a key (set() of a key column, a setCells() rotation) where another
// writer has since inserted a row: a concurrent edit, so a ConflictError that refresh() settles,
// as an insert of a key another writer took is; never a constraint "fix the values". A key the
// push itself frees (a swap) is no conflict, and a key no other writer touched stays a constraint.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function two(sql: string): Promise<[Database, Database]> {
  const storage = new MemoryStorage();
  const a = await nodeDatabase(storage, 'moved');
  open.push(a);
  const SQL = await loadSql();
  const file = new SQL.Database();
  for (const s of sql.split(';').filter((x) => x.trim())) file.run(s);
  await a.import(file.export());
  file.close();
  const b = await nodeDatabase(storage, 'moved');
  open.push(b);
  return [a, b];
}

const T =
  "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')";
const S =
  "CREATE TABLE s (w TEXT, k INTEGER, q INTEGER, PRIMARY KEY (w, k)); INSERT INTO s VALUES ('A', 1, 1), ('A', 2, 2), ('B', 1, 3)";

async function failure(p: Promise<unknown>): Promise<PandalchemyError | null> {
  return p.then(
    () => null,
    (e: unknown) => e as PandalchemyError,
  );
}

const stored = async (db: Database, sql: string): Promise<object[]> =>
  (await db.query(sql)).objects();

describe('a row moved to a key another writer took since', () => {
  for (const conflict of ['fail', 'overwrite'] as const) {
    it(`is a ConflictError naming the row (${conflict}), and refresh() settles it`, async () => {
      const [a, b] = await two(T);
      const ta = await a.table('t');
      const tb = await b.table('t');
      ta.set(1, 'id', 7);
      ta.set(2, 'v', 'mine');
      tb.insert({ id: 7, v: 'theirs' });
      await tb.push();
      const e = await failure(ta.push({ conflict }));
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).conflicts).toEqual([
        { table: 't', key: [1], columns: ['id'], missing: false },
      ]);
      expect(e!.message).toContain('took the keys');
      expect(ta.hasChanges).toBe(true);
      const conflicts = await ta.refresh();
      expect(conflicts.map((c) => [c.key, c.kept])).toEqual([[[1], false]]);
      await ta.push();
      expect(await stored(a, 'SELECT * FROM t ORDER BY id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'mine' },
        { id: 3, v: 'c' },
        { id: 7, v: 'theirs' },
      ]);
    });
  }

  it('is a conflict through a composite-key rotation too', async () => {
    const [a, b] = await two(S);
    const sa = await a.table('s');
    const sb = await b.table('s');
    sa.setCells([
      { key: ['A', 1], column: 'k', value: 2 },
      { key: ['A', 2], column: 'w', value: 'B' },
      { key: ['B', 1], column: 'k', value: 9 },
    ]);
    sb.insert({ w: 'B', k: 2, q: 99 });
    await sb.push();
    const e = await failure(sa.push());
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).conflicts.map((c) => c.key)).toEqual([['A', 2]]);
  });

  it('a swap within the push is no conflict, whatever another writer did elsewhere', async () => {
    const [a, b] = await two(T);
    const ta = await a.table('t');
    const tb = await b.table('t');
    ta.setCells([
      { key: 1, column: 'id', value: 2 },
      { key: 2, column: 'id', value: 1 },
    ]);
    tb.set(3, 'v', 'theirs');
    await tb.push();
    await ta.push();
    expect(await stored(a, 'SELECT * FROM t ORDER BY id')).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'a' },
      { id: 3, v: 'theirs' },
    ]);
  });

  it('an insert of a key another writer moved a row to is a conflict', async () => {
    const [a, b] = await two(T);
    const ta = await a.table('t');
    const tb = await b.table('t');
    ta.set(1, 'id', 4);
    await ta.push();
    tb.insert({ id: 4, v: 'mine' });
    const e = await failure(tb.push());
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).conflicts.map((c) => c.key)).toEqual([[4]]);
  });

  it('a key taken with no other writer involved stays a constraint failure', async () => {
    const [a] = await two(
      "CREATE TABLE n (k TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER); INSERT INTO n VALUES ('x', 1), ('y', 2)",
    );
    const n = await a.table('n');
    n.set('x', 'k', 'Y');
    const e = await failure(n.push());
    expect(e?.code).toBe('constraint');
  });
});
