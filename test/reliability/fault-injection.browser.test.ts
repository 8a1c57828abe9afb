import * as aq from 'arquero';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { afterEach, describe, expect, it } from 'vitest';
import { engineClient } from '../../src/client/engine-client';
import { Database, type Engine } from '../../src/db/database';
import type { SqlJs } from '../../src/engine/sqlite';
import { PandalchemyError } from '../../src/index';
import type { EngineFault } from '../../src/protocol/engine-api';
import { dump } from '../support/dump';

/**
 * Faults at every boundary of a push and a checkpoint: before each plan step and before COMMIT
 * (SQLite fails), during the IndexedDB append (storage fails, quota exceeded), and the worker
 * killed after COMMIT, after the append and during a checkpoint. After each, what is stored is
 * exactly the state before or after the push; a rejected push keeps its edits and a retry works.
 */

const SQL = (await initSqlJs({ locateFile: () => wasmUrl })) as unknown as SqlJs;
const engines: Engine[] = [];

afterEach(() => {
  for (const e of engines.splice(0)) e.terminate();
});

async function openWith(name: string): Promise<{ db: Database; engine: Engine }> {
  const engine = engineClient();
  engines.push(engine);
  const db = new Database(name, engine, await engine.open({ name, persist: true }));
  await db.listen();
  return { db, engine };
}

async function persisted(name: string): Promise<string> {
  const { db, engine } = await openWith(name);
  const copy = new SQL.Database(await db.export());
  engine.terminate();
  try {
    return dump(copy);
  } finally {
    copy.close();
  }
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the fault point was never reached');
}

/** Two tables and pending edits of every kind: a plan with schema, delete, update, insert steps. */
async function scenario(): Promise<{ name: string; db: Database; engine: Engine }> {
  const name = `fault-${crypto.randomUUID()}`;
  const { db, engine } = await openWith(name);
  await db.createTable('a', aq.table({ id: [1, 2, 3], v: ['x', 'y', 'z'] }), { primaryKey: 'id' });
  await db.createTable('b', aq.table({ k: ['p', 'q'], n: [1, 2] }), { primaryKey: 'k' });
  const a = await db.table('a');
  const b = await db.table('b');
  a.addColumn('w', { type: 'INTEGER', default: 0 });
  a.set(1, 'v', 'changed');
  a.delete(2);
  a.insert({ id: 4, v: 'new', w: 5 });
  b.renameColumn('n', 'm');
  b.set('q', 'm', 20);
  b.insert({ k: 'r', m: 3 });
  return { name, db, engine };
}

const pending = async (db: Database): Promise<number> => {
  let n = 0;
  for (const t of ['a', 'b']) {
    const c = (await db.table(t)).changeCounts();
    n += c.inserts + c.updates + c.deletes + c.schema;
  }
  return n;
};

let survived = 0;

describe('faults at every boundary of a push', () => {
  it('fails before each plan step and before COMMIT: nothing changes, edits are kept, a retry works', async () => {
    const probe = await scenario();
    const steps = probe.db.plan().steps.length;
    expect(steps).toBeGreaterThanOrEqual(6);
    const faults: EngineFault[] = [
      ...Array.from({ length: steps }, (_, step) => ({
        point: 'step' as const,
        action: 'fail' as const,
        step,
      })),
      { point: 'commit', action: 'fail' },
      { point: 'append', action: 'fail', code: 'storage' },
      { point: 'append', action: 'fail', code: 'quota_exceeded' },
    ];
    for (const fault of faults) {
      const { name, db, engine } = await scenario();
      const before = await persisted(name);
      const edits = await pending(db);
      const memory = (await db.export()).byteLength;
      await engine.setFault(fault);
      let error: unknown;
      try {
        await db.push();
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(fault)).toBeInstanceOf(PandalchemyError);
      expect(await engine.faultHit()).toBe(true);
      if (fault.code) expect((error as PandalchemyError).code).toBe(fault.code);
      expect(await pending(db), JSON.stringify(fault)).toBe(edits);
      expect(await persisted(name), JSON.stringify(fault)).toBe(before);
      expect((await db.export()).byteLength).toBe(memory);
      expect((await db.query('SELECT count(*) AS n FROM a')).objects()).toEqual([{ n: 3 }]);
      await db.push();
      expect(await pending(db)).toBe(0);
      expect(await persisted(name)).not.toBe(before);
      expect((await db.query('SELECT * FROM b ORDER BY k')).objects()).toEqual([
        { k: 'p', m: 1 },
        { k: 'q', m: 20 },
        { k: 'r', m: 3 },
      ]);
      survived++;
    }
  });

  for (const [point, landed] of [
    ['append', false],
    ['afterAppend', true],
  ] as const) {
    it(`the worker killed at '${point}' leaves the state ${landed ? 'after' : 'before'} the push`, async () => {
      const { name, db, engine } = await scenario();
      const before = await persisted(name);
      await engine.setFault({ point, action: 'hang' });
      const push = db.push();
      await until(() => engine.faultHit());
      engine.terminate();
      await expect(push).rejects.toMatchObject({ code: 'worker_died' });
      const after = await persisted(name);
      if (landed) {
        expect(after).not.toBe(before);
        const { db: again } = await openWith(name);
        expect((await again.table('a')).table().objects()).toEqual([
          { id: 1, v: 'changed', w: 0 },
          { id: 3, v: 'z', w: 0 },
          { id: 4, v: 'new', w: 5 },
        ]);
      } else {
        expect(after).toBe(before);
      }
      survived++;
    });
  }

  for (const [point, action] of [
    ['checkpoint', 'fail'],
    ['checkpoint', 'hang'],
    ['afterCheckpoint', 'hang'],
  ] as const) {
    it(`a checkpoint with the fault '${point}/${action}' loses nothing`, async () => {
      const { name, db, engine } = await scenario();
      await db.push();
      const before = await persisted(name);
      await engine.setFault({ point, action });
      const cp = db.checkpoint();
      if (action === 'hang') {
        await until(() => engine.faultHit());
        engine.terminate();
      }
      await expect(cp).rejects.toBeInstanceOf(PandalchemyError);
      expect(await persisted(name)).toBe(before);
      survived++;
    });
  }

  it('counts the faults survived', () => {
    console.log(`fault injection: ${survived} faults injected and survived`);
    expect(survived).toBeGreaterThanOrEqual(14);
  });
});
