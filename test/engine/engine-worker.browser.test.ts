import * as aq from 'arquero';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlDatabase, SqlJs } from '../../src/engine/sqlite';
import { PandalchemyError, openDatabase, type Database } from '../../src/index';
import { dump } from '../support/dump';
import {
  startFaultWorker,
  stopFaultWorkers,
  until,
  type FaultWorker,
} from '../support/fault-worker-client';

const SQL = (await initSqlJs({ locateFile: () => wasmUrl })) as unknown as SqlJs;

afterEach(stopFaultWorkers);

async function errorOf(p: Promise<unknown>): Promise<PandalchemyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Everything IndexedDB holds for `name`, read by a worker of its own. */
const persisted = (name: string): Promise<string> => startFaultWorker().faults.stored(name);

async function seeded(): Promise<{ name: string; db: Database } & FaultWorker> {
  const name = `w-${crypto.randomUUID()}`;
  const w = startFaultWorker();
  const db = await openDatabase(name, { worker: w.worker });
  await db.createTable('t', aq.table({ id: [1, 2, 3], v: ['a', 'b', 'c'] }), { primaryKey: 'id' });
  return { name, db, ...w };
}

describe('engine worker: crashes and faults', () => {
  for (const [point, landed] of [
    ['append', false],
    ['afterAppend', true],
  ] as const) {
    it(`a worker killed ${point === 'append' ? 'before' : 'after'} the record is stored reopens to the state ${landed ? 'after' : 'before'} the push`, async () => {
      const { name, db, worker, faults } = await seeded();
      const before = await persisted(name);
      const t = await db.table('t');
      t.set(1, 'v', 'changed');
      t.delete(3);
      t.addColumn('w', { type: 'INTEGER', default: 7 });
      await faults.setFault({ point, action: 'hang' });
      const push = db.push();
      await until(() => faults.faultHit());
      worker.terminate();
      expect((await errorOf(push)).code).toBe('worker_died');
      const after = await persisted(name);
      if (landed) {
        expect(after).not.toEqual(before);
        expect(after).toContain('"w" INTEGER DEFAULT (7)');
        const again = await openDatabase(name);
        expect((await again.table('t')).table().objects()).toEqual([
          { id: 1, v: 'changed', w: 7 },
          { id: 2, v: 'b', w: 7 },
        ]);
        await again.close();
      } else {
        expect(after).toEqual(before);
      }
    });
  }

  for (const point of ['checkpoint', 'afterCheckpoint'] as const) {
    it(`a worker killed at '${point}' of a checkpoint loses nothing`, async () => {
      const { name, db, worker, faults } = await seeded();
      const t = await db.table('t');
      for (let i = 0; i < 5; i++) {
        t.set(1 + (i % 3), 'v', `edit ${i}`);
        await t.push();
      }
      const before = await persisted(name);
      await faults.setFault({ point, action: 'hang' });
      const cp = db.checkpoint();
      await until(() => faults.faultHit());
      worker.terminate();
      expect((await errorOf(cp)).code).toBe('worker_died');
      expect(await persisted(name)).toEqual(before);
    });
  }

  it('a push whose record cannot be stored fails, keeps the edits, and changes neither memory nor storage', async () => {
    const { name, db, faults } = await seeded();
    const t = await db.table('t');
    t.set(2, 'v', 'kept');
    t.insert({ id: 9, v: 'new' });
    const before = await persisted(name);
    await faults.setFault({ point: 'append', action: 'fail', code: 'storage' });
    const err = await errorOf(db.push());
    expect(err.code).toBe('storage');
    expect(t.changeCounts()).toMatchObject({ updates: 1, inserts: 1 });
    expect((await db.query('SELECT v FROM t WHERE id = 2')).objects()).toEqual([{ v: 'b' }]);
    expect((await db.query('SELECT count(*) AS n FROM t')).objects()).toEqual([{ n: 3 }]);
    expect(await persisted(name)).toEqual(before);
    await db.push();
    expect((await db.query('SELECT v FROM t WHERE id = 2')).objects()).toEqual([{ v: 'kept' }]);
  });
});

/** Settles within `ms`, or fails the test: a call that never settles is the defect. */
function settled<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms),
    ),
  ]);
}

describe('engine worker: a dead worker', () => {
  /** The library's own worker, started by the app and passed to openDatabase. */
  const appWorker = (): Worker =>
    new Worker(new URL('../../src/worker/engine-worker.ts', import.meta.url), { type: 'module' });

  it('rejects pending and later calls with worker_died when the app terminates its own worker, and reopens', async () => {
    const name = `dead-${crypto.randomUUID()}`;
    const worker = appWorker();
    const db = await openDatabase(name, { worker });
    await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
    const t = await db.table('t');
    t.set(1, 'v', 'pending');
    const calls: Promise<unknown>[] = [
      db.push(),
      db.query('SELECT * FROM t'),
      db.checkpoint(),
      db.export(),
    ];
    worker.terminate();
    for (const c of calls) expect((await errorOf(settled(c))).code).toBe('worker_died');
    expect((await errorOf(settled(db.query('SELECT 1')))).code).toBe('worker_died');
    t.set(2, 'v', 'later');
    expect((await errorOf(settled(db.push()))).code).toBe('worker_died');
    expect(t.changeCounts().updates).toBe(2);
    expect((await errorOf(settled(db.close()))).code).toBe('worker_died');

    const again = await openDatabase(name);
    const stored = await again.query('SELECT v FROM t ORDER BY id');
    // The push was pending when the worker died: it landed whole or not at all.
    expect(['a', 'pending']).toContain(stored.get('v', 0));
    expect(stored.get('v', 1)).toBe('b');
    // The edit made after the worker died was never pushed: it comes back as a pending edit,
    // from the table's draft.
    const table = await again.table('t');
    expect(table.get(2, 'v')).toBe('later');
    expect(table.changeCounts().updates).toBeGreaterThanOrEqual(1);
    await again.close();
  });

  it('rejects pending and later calls with worker_died when the worker crashes', async () => {
    const { name, db, faults } = await seeded();
    const t = await db.table('t');
    t.set(1, 'v', 'pending');
    await faults.setFault({ point: 'append', action: 'hang' });
    const push = db.push();
    await until(() => faults.faultHit());
    void faults.crash();
    expect((await errorOf(settled(push))).code).toBe('worker_died');
    expect((await errorOf(settled(db.query('SELECT 1')))).code).toBe('worker_died');
    const again = await openDatabase(name);
    expect((await again.table('t')).get(1, 'v')).toBe('a');
    await again.close();
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
