import * as aq from 'arquero';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { afterEach, describe, expect, it } from 'vitest';
import { engineClient } from '../../src/client/engine-client';
import { Database, type Engine } from '../../src/db/database';
import type { SqlDatabase, SqlJs } from '../../src/engine/sqlite';
import { PandalchemyError, openDatabase } from '../../src/index';
import type { EngineFault } from '../../src/protocol/engine-api';
import { dump } from '../support/dump';

const SQL = (await initSqlJs({ locateFile: () => wasmUrl })) as unknown as SqlJs;

const engines: Engine[] = [];

/** A database over an engine the test can reach (to inject faults and to kill the worker). */
async function openWithEngine(name: string): Promise<{ db: Database; engine: Engine }> {
  const engine = engineClient();
  engines.push(engine);
  const state = await engine.open({ name, persist: true });
  const db = new Database(name, engine, state);
  await db.listen();
  return { db, engine };
}

afterEach(() => {
  for (const e of engines.splice(0)) e.terminate();
});

async function errorOf(p: Promise<unknown>): Promise<PandalchemyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}

/** Everything in a database, from a fresh worker reading what IndexedDB holds. */
async function persisted(name: string): Promise<string> {
  const { db, engine } = await openWithEngine(name);
  const bytes = await db.export();
  engine.terminate();
  const copy = new SQL.Database(bytes);
  try {
    return dump(copy);
  } finally {
    copy.close();
  }
}

async function seeded(): Promise<{ name: string; db: Database; engine: Engine }> {
  const name = `w-${crypto.randomUUID()}`;
  const { db, engine } = await openWithEngine(name);
  await db.createTable('t', aq.table({ id: [1, 2, 3], v: ['a', 'b', 'c'] }), { primaryKey: 'id' });
  return { name, db, engine };
}

describe('engine worker: crashes and faults', () => {
  for (const [fault, landed] of [
    [{ point: 'append', action: 'hang' }, false],
    [{ point: 'afterAppend', action: 'hang' }, true],
  ] as const) {
    it(`a worker killed ${fault.point === 'append' ? 'before' : 'after'} the record is stored reopens to the state ${landed ? 'after' : 'before'} the push`, async () => {
      const { name, db, engine } = await seeded();
      const before = await persisted(name);
      const t = await db.table('t');
      t.set(1, 'v', 'changed');
      t.delete(3);
      t.addColumn('w', { type: 'INTEGER', default: 7 });
      await engine.setFault(fault as EngineFault);
      const push = db.push();
      await until(() => engine.faultHit());
      engine.terminate();
      expect((await errorOf(push)).code).toBe('worker_died');
      const after = await persisted(name);
      if (landed) {
        expect(after).not.toEqual(before);
        expect(after).toContain('"w" INTEGER DEFAULT (7)');
        const { db: again } = await openWithEngine(name);
        expect((await again.table('t')).table().objects()).toEqual([
          { id: 1, v: 'changed', w: 7 },
          { id: 2, v: 'b', w: 7 },
        ]);
      } else {
        expect(after).toEqual(before);
      }
    });
  }

  for (const point of ['checkpoint', 'afterCheckpoint'] as const) {
    it(`a worker killed at '${point}' of a checkpoint loses nothing`, async () => {
      const { name, db, engine } = await seeded();
      const t = await db.table('t');
      for (let i = 0; i < 5; i++) {
        t.set(1 + (i % 3), 'v', `edit ${i}`);
        await t.push();
      }
      const before = await persisted(name);
      await engine.setFault({ point, action: 'hang' });
      const cp = db.checkpoint();
      await until(() => engine.faultHit());
      engine.terminate();
      expect((await errorOf(cp)).code).toBe('worker_died');
      expect(await persisted(name)).toEqual(before);
    });
  }

  it('a push whose record cannot be stored fails, keeps the edits, and changes neither memory nor storage', async () => {
    const { name, db, engine } = await seeded();
    const t = await db.table('t');
    t.set(2, 'v', 'kept');
    t.insert({ id: 9, v: 'new' });
    const before = await persisted(name);
    await engine.setFault({ point: 'append', action: 'fail' });
    const err = await errorOf(db.push());
    expect(err.code).toBe('storage');
    expect(t.changeCounts()).toMatchObject({ updates: 1, inserts: 1 });
    expect((await db.query('SELECT v FROM t WHERE id = 2')).objects()).toEqual([{ v: 'b' }]);
    expect((await db.query('SELECT count(*) AS n FROM t')).objects()).toEqual([{ n: 3 }]);
    expect(await persisted(name)).toEqual(before);
    await db.push();
    expect((await db.query('SELECT v FROM t WHERE id = 2')).objects()).toEqual([{ v: 'kept' }]);
  });

  it('a dead worker rejects every pending call with worker_died', async () => {
    const { db, engine } = await seeded();
    const calls = [db.query('SELECT * FROM t'), db.checkpoint(), db.export()];
    engine.terminate();
    for (const c of calls) expect((await errorOf(c)).code).toBe('worker_died');
    expect((await errorOf(db.query('SELECT 1'))).code).toBe('worker_died');
  });
});

describe('engine worker: import and export', () => {
  function everyKind(): SqlDatabase {
    const db = new SQL.Database();
    db.run(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
      CREATE TABLE child (
        k TEXT NOT NULL, n INTEGER, r REAL, b BLOB, num NUMERIC, any_col, flag BOOLEAN, d DATE, ts DATETIME,
        parent INTEGER REFERENCES parent(id) ON DELETE CASCADE,
        PRIMARY KEY (k, n)) WITHOUT ROWID;
      CREATE INDEX child_r ON child (r DESC);
      CREATE TABLE log (msg TEXT);
      CREATE TRIGGER child_ins AFTER INSERT ON child BEGIN INSERT INTO log VALUES ('added ' || NEW.k); END;
      CREATE VIEW named AS SELECT name FROM parent;
      INSERT INTO parent (name) VALUES ('p1'), ('p2');`);
    db.run('INSERT INTO child VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      '04567',
      9007199254740993n as never,
      -0.5,
      new Uint8Array([0, 1, 255]),
      12.25,
      'text in any',
      1,
      '2024-02-29',
      '2024-02-29 23:59:59.123',
      1,
    ]);
    db.run("INSERT INTO child (k, n, any_col) VALUES ('x', -1, x'cafe')");
    return db;
  }

  it('round-trips a database with every SQLite type, indexes, triggers, views and foreign keys', async () => {
    const source = everyKind();
    const bytes = source.export();
    const expected = dump(source);
    source.close();
    const db = await openDatabase(`w-${crypto.randomUUID()}`);
    try {
      await db.import(bytes);
      expect(db.tableNames().sort()).toEqual(['child', 'log', 'parent']);
      const child = await db.table('child');
      expect(child.get(['04567', 9007199254740993n], 'b')).toEqual(new Uint8Array([0, 1, 255]));
      expect(child.get(['04567', 9007199254740993n], 'd')).toEqual(
        new Date('2024-02-29T00:00:00Z'),
      );
      const back = new SQL.Database(await db.export());
      expect(dump(back)).toEqual(expected);
      back.close();
    } finally {
      await db.close();
    }
  });
});
