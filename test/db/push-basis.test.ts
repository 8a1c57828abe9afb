import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database';
import type { Engine } from '../../src/db/database-state';
import { EngineCore } from '../../src/engine/engine-core';
import { soleCoordinator } from '../../src/engine/storage';
import { ConflictError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { MemoryStorage, loadSql } from '../support/memory-storage';

/** A database whose engine records the plans it runs (and runs them). */
async function recordingDatabase(
  storage: MemoryStorage,
): Promise<{ db: Database; plans: ExecutionPlan[] }> {
  const core = new EngineCore({
    loadSql,
    storage: () => storage,
    coordinator: () => soleCoordinator,
  });
  const plans: ExecutionPlan[] = [];
  const engine = core as unknown as Engine;
  const apply = core.apply.bind(core);
  engine.apply = (plan, ...rest) => {
    plans.push(plan);
    return apply(plan, ...rest);
  };
  engine.terminate = () => undefined;
  const db = new Database('basis', engine, await core.open({ name: 'basis', persist: true }));
  await db.listen();
  return { db, plans };
}

describe('push basis', () => {
  it('tells the engine which commit each pushed table is as of, unless commits wait for refresh', async () => {
    const storage = new MemoryStorage();
    const { db: a, plans } = await recordingDatabase(storage);
    await a.createTable('t', aq.table({ id: [1, 2], v: ['x', 'y'] }), { primaryKey: 'id' });
    const { db: b } = await recordingDatabase(storage);
    const ta = await a.table('t');
    const tb = await b.table('t');

    // Pushes from one instance in turn: each is based on the commit its table last took in.
    const r1 = await ta.set(1, 'v', 'a1').push();
    const r2 = await ta.set(2, 'v', 'a2').push();
    expect(r2.seq).toBe(r1.seq + 1);
    expect(ta.get(2, 'v')).toBe('a2');
    expect(plans.slice(-2).map((p) => p.basis)).toEqual([
      [{ table: 't', seq: r1.seq - 1 }],
      [{ table: 't', seq: r1.seq }],
    ]);

    // Another instance commits to the table; this one's pending edit of the same cell is
    // based on an older commit, which the engine can tell, so the guard is read and refuses.
    await tb.refresh();
    await tb.set(2, 'v', 'b2').push();
    ta.set(2, 'v', 'a3');
    const refused = await ta.push().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(plans[plans.length - 1]!.basis).toEqual([{ table: 't', seq: r2.seq }]);
    expect(ta.get(2, 'v')).toBe('a3');
    await expect(ta.refresh({ policy: 'theirs' as never })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await ta.refresh({ policy: 'keepRemote' });
    expect(ta.get(2, 'v')).toBe('b2');
    const after = await ta.set(1, 'v', 'a4').push();
    expect(after.conflicts).toEqual([]);
    expect(plans[plans.length - 1]!.basis).toEqual([{ table: 't', seq: after.seq - 1 }]);
    expect((await b.query('SELECT v FROM t ORDER BY id')).objects()).toEqual([
      { v: 'a4' },
      { v: 'b2' },
    ]);
    await a.close();
    await b.close();
  });

  it('bases a table whose commits wait for refresh() on the commit before them', async () => {
    const storage = new MemoryStorage();
    const { db: a, plans } = await recordingDatabase(storage);
    await a.createTable('t', aq.table({ id: [1, 2, 3], v: ['x', 'y', 'z'] }), { primaryKey: 'id' });
    await a.createTable('o', aq.table({ id: [1] }), { primaryKey: 'id' });
    const { db: b } = await recordingDatabase(storage);
    const ta = await a.table('t');
    const tb = await b.table('t');
    const seq0 = (await ta.set(3, 'v', 'z1').push()).seq;
    await tb.refresh();

    // `a` takes in b's commit while t has pending edits: it waits for t.refresh().
    ta.set(1, 'v', 'a1');
    const remote = await tb.set(2, 'v', 'b2').push();
    await (await a.table('o')).refresh();
    expect(ta.get(2, 'v')).toBe('y');

    // The push says t is as of the commit before b's. That commit touched row 2 only, so the
    // edit of row 1 goes in.
    const r = await ta.push();
    expect(plans[plans.length - 1]!.basis).toEqual([{ table: 't', seq: seq0 }]);
    expect(r.seq).toBe(remote.seq + 1);
    expect(ta.get(2, 'v')).toBe('b2');

    // The same with an edit of a row the waiting commit touched: refused.
    ta.set(3, 'v', 'a3');
    await tb.refresh();
    await tb.set(3, 'v', 'b3').push();
    await (await a.table('o')).refresh();
    expect(await ta.push().catch((e: unknown) => e)).toBeInstanceOf(ConflictError);
    expect(plans[plans.length - 1]!.basis).toEqual([{ table: 't', seq: r.seq }]);
    expect((await b.query('SELECT v FROM t ORDER BY id')).objects()).toEqual([
      { v: 'a1' },
      { v: 'b2' },
      { v: 'b3' },
    ]);
    await a.close();
    await b.close();
  });

  it('refuses an insert of a key another writer inserted since as a conflict, which refresh() rebases', async () => {
    const storage = new MemoryStorage();
    const { db: a } = await recordingDatabase(storage);
    await a.createTable('t', aq.table({ id: [1], v: ['x'], mail: ['m1'] }), {
      primaryKey: 'id',
      unique: ['mail'],
    });
    const { db: b } = await recordingDatabase(storage);
    const ta = await a.table('t');
    const tb = await b.table('t');

    // Both insert row 2; b pushes first. a's insert is based on a commit where no row 2 was.
    ta.insert({ id: 2, v: 'mine', mail: 'a2' });
    await tb.insert({ id: 2, v: 'theirs', mail: 'b2' }).push();
    const refused = await ta.push().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).conflicts).toEqual([
      { table: 't', key: [2], columns: ['v', 'mail'], missing: false },
    ]);
    expect(ta.changeCounts().inserts).toBe(1);
    const conflicts = await ta.refresh({ policy: 'keepLocal' });
    expect(conflicts.map((c) => [c.type, c.key])).toEqual([['insert', [2]]]);
    await ta.push();
    expect((await b.query('SELECT id, v, mail FROM t ORDER BY id')).objects()).toEqual([
      { id: 1, v: 'x', mail: 'm1' },
      { id: 2, v: 'mine', mail: 'a2' },
    ]);

    // A unique column other than the key taken by another writer stays a constraint failure.
    ta.insert({ id: 3, v: 'a', mail: 'same' });
    await tb.refresh();
    await tb.insert({ id: 4, v: 'b', mail: 'same' }).push();
    await expect(ta.push()).rejects.toMatchObject({ code: 'constraint', table: 't' });
    await a.close();
    await b.close();
  });
});
