import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, PandalchemyError, type Database } from '../../src/index';
import {
  startFaultWorker,
  stopFaultWorkers,
  until,
  type FaultWorker,
} from '../support/fault-worker-client';
import type { Fault } from '../support/worker/fault-api';

/**
 * Faults at every boundary of a push and a checkpoint, injected through the engine's parts by a
 * test worker that the database runs in (as an app's own worker): SQLite fails a statement of the
 * push (each write, each kind of statement, the first and the last) or its COMMIT; IndexedDB fails
 * the append (storage error, quota exceeded); the worker is killed before and after the append
 * and during a checkpoint. After each, what is stored is exactly the state before or after the
 * push; a rejected push keeps its edits and a retry works (a failure the engine tolerates, in the
 * cleanup of its change log, leaves the push landed whole).
 */

afterEach(stopFaultWorkers);

async function scenario(): Promise<{ name: string; db: Database } & FaultWorker> {
  const name = `fault-${crypto.randomUUID()}`;
  const w = startFaultWorker();
  const db = await openDatabase(name, { worker: w.worker });
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
  return { name, db, ...w };
}

const pending = async (db: Database): Promise<number> => {
  let n = 0;
  for (const t of ['a', 'b']) {
    const c = (await db.table(t)).changeCounts();
    n += c.inserts + c.updates + c.deletes + c.schema;
  }
  return n;
};

/** What IndexedDB holds for `name`, read by a worker of its own. */
const persisted = (name: string): Promise<string> => startFaultWorker().faults.stored(name);

/**
 * Statements of the push to fail: every write (the first of each kind: the change log's six
 * triggers are one kind), and the first and last statement of the transaction.
 */
function statementFaults(statements: readonly string[]): Fault[] {
  const picked = new Map<string, number>();
  statements.forEach((sql, i) => {
    const write = !/^\s*(SELECT|PRAGMA)\b/i.test(sql);
    const kind = sql.replace(/_\d+_\d+"/g, '"').slice(0, 48);
    if ((write || i === 0 || i === statements.length - 1) && !picked.has(kind)) {
      picked.set(kind, i + 1);
    }
  });
  return [...picked.values()].map((index) => ({ point: 'statement', index }));
}

let survived = 0;

describe('faults at every boundary of a push', () => {
  it('fails a statement, the COMMIT or the append: nothing changes, edits are kept, a retry works', async () => {
    const probe = await scenario();
    await probe.db.push();
    const statements = await probe.faults.lastTransaction();
    const faults: Fault[] = [
      ...statementFaults(statements),
      { point: 'commit' },
      { point: 'append', action: 'fail', code: 'storage' },
      { point: 'append', action: 'fail', code: 'quota_exceeded' },
    ];
    // The plan's seven steps write with seven distinct statements, and more kinds run around them.
    expect(faults.length).toBeGreaterThanOrEqual(7 + 3);
    const statementOf = (f: Fault): string =>
      f.point === 'statement' ? statements[f.index - 1]!.slice(0, 60) : f.point;
    const tolerated: string[] = [];
    for (const fault of faults) {
      const what = JSON.stringify(fault);
      const { name, db, faults: control } = await scenario();
      const before = await control.stored(name);
      const edits = await pending(db);
      const memory = (await db.export()).byteLength;
      await control.setFault(fault);
      let error: unknown;
      try {
        await db.push();
      } catch (e) {
        error = e;
      }
      expect(await control.faultHit(), what).toBe(true);
      if (error === undefined) {
        // The engine tolerates this statement's failure (a cleanup): the push landed whole.
        tolerated.push(statementOf(fault));
      } else {
        expect(error, what).toBeInstanceOf(PandalchemyError);
        if ('code' in fault) expect((error as PandalchemyError).code).toBe(fault.code);
        expect(await pending(db), what).toBe(edits);
        expect(await control.stored(name), what).toBe(before);
        expect((await db.export()).byteLength, what).toBe(memory);
        expect((await db.query('SELECT count(*) AS n FROM a')).objects()).toEqual([{ n: 3 }]);
      }
      if (error !== undefined) await db.push();
      expect(await pending(db)).toBe(0);
      expect(await control.stored(name)).not.toBe(before);
      expect((await db.query('SELECT * FROM b ORDER BY k')).objects()).toEqual([
        { k: 'p', m: 1 },
        { k: 'q', m: 20 },
        { k: 'r', m: 3 },
      ]);
      survived++;
    }
    // Only dropping the change log's temporary triggers may fail without failing the push.
    expect(tolerated.every((s) => s.startsWith('DROP TRIGGER IF EXISTS temp.'))).toBe(true);
  });

  for (const [point, landed] of [
    ['append', false],
    ['afterAppend', true],
  ] as const) {
    it(`the worker killed at '${point}' leaves the state ${landed ? 'after' : 'before'} the push`, async () => {
      const { name, db, worker, faults } = await scenario();
      const before = await faults.stored(name);
      await faults.setFault({ point, action: 'hang' });
      const push = db.push();
      await until(() => faults.faultHit());
      worker.terminate();
      await expect(push).rejects.toMatchObject({ code: 'worker_died' });
      const after = await persisted(name);
      if (landed) {
        expect(after).not.toBe(before);
        const again = await openDatabase(name);
        expect((await again.table('a')).table().objects()).toEqual([
          { id: 1, v: 'changed', w: 0 },
          { id: 3, v: 'z', w: 0 },
          { id: 4, v: 'new', w: 5 },
        ]);
        await again.close();
      } else {
        expect(after).toBe(before);
      }
      survived++;
    });
  }

  for (const fault of [
    { point: 'checkpoint', action: 'fail', code: 'storage' },
    { point: 'checkpoint', action: 'hang' },
    { point: 'afterCheckpoint', action: 'hang' },
  ] as const) {
    it(`a checkpoint with the fault '${fault.point}/${fault.action}' loses nothing`, async () => {
      const { name, db, worker, faults } = await scenario();
      await db.push();
      const before = await faults.stored(name);
      await faults.setFault(fault);
      const cp = db.checkpoint();
      if (fault.action === 'hang') {
        await until(() => faults.faultHit());
        worker.terminate();
      }
      await expect(cp).rejects.toBeInstanceOf(PandalchemyError);
      expect(await persisted(name)).toBe(before);
      survived++;
    });
  }

  it('a push made while a checkpoint writes its file survives a crash before the checkpoint ends', async () => {
    const { name, db, worker, faults } = await scenario();
    await db.push();
    await faults.setFault({ point: 'checkpoint', action: 'hang' });
    const cp = db.checkpoint();
    // The file is written and the checkpoint hangs before it becomes the snapshot: pushes go on.
    await until(() => faults.faultHit());
    const a = await db.table('a');
    a.set(3, 'v', 'during');
    await a.push();
    worker.terminate();
    await expect(cp).rejects.toBeInstanceOf(PandalchemyError);
    const again = await openDatabase(name);
    expect((await again.table('a')).table().objects()).toEqual([
      { id: 1, v: 'changed', w: 0 },
      { id: 3, v: 'during', w: 0 },
      { id: 4, v: 'new', w: 5 },
    ]);
    // The next checkpoint takes the place of the one that never ended.
    await again.checkpoint();
    await again.close();
    const last = await openDatabase(name);
    expect((await last.table('a')).get(3, 'v')).toBe('during');
    await last.close();
    survived++;
  });

  it('counts the faults survived', () => {
    console.log(`fault injection: ${survived} faults injected and survived`);
    expect(survived).toBeGreaterThanOrEqual(15);
  });
});
