import { describe, expect, it } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { dump } from '../support/dump';
import { replayRecords } from '../../src/engine/durable/replay-record';
import { configureConnection } from '../../src/engine/sqlite';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const update = (table: string, column: string, id: number, value: string): PlanStep => ({
  kind: 'update',
  table,
  key: ['id'],
  keyTypes: [''],
  keys: [[id]],
  set: [column],
  types: [''],
  values: [[value]],
  count: 1,
  guard: null,
});

const insert = (table: string, id: number, value: string, column = 'v'): PlanStep => ({
  kind: 'insert',
  table,
  key: ['id'],
  keyTypes: [''],
  columns: ['id', column],
  types: ['', ''],
  values: [[id], [value]],
  count: 1,
});

async function fileOf(sql: string): Promise<Uint8Array> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = db.export();
  db.close();
  return bytes;
}

async function dumpOf(bytes: Uint8Array): Promise<string> {
  const SQL = await loadSql();
  const db = new SQL.Database(bytes);
  try {
    return dump(db);
  } finally {
    db.close();
  }
}

/** A writer engine on storage of its own, over a database made by `sql`. */
async function writerOf(sql: string) {
  const storage = new MemoryStorage();
  const writer = await memoryEngine(storage);
  await writer.importDatabase(await fileOf(sql));
  return { storage, writer };
}

describe('replay reads the schema once per run of records', () => {
  it('reopens to the same database across schema changes and triggers between records', async () => {
    const { storage, writer } = await writerOf(`
        CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT);
        CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO log (what) VALUES ('t ' || NEW.v); END;
        CREATE TRIGGER u_ins AFTER INSERT ON u BEGIN INSERT INTO log (what) VALUES ('u ' || NEW.v); END;
        CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN INSERT INTO log (what) VALUES ('t* ' || NEW.v); END;
        INSERT INTO t VALUES (1, 'a'), (2, 'b');
        INSERT INTO u VALUES (1, 'x');`);
    const steps: PlanStep[][] = [
      [update('t', 'v', 1, 'a1')],
      [insert('t', 3, 'c'), insert('u', 2, 'y')],
      // The schema changes between records: what replay read of t must not outlive this.
      [
        {
          kind: 'addColumn',
          table: 't',
          column: { name: 'extra', declaredType: 'TEXT', notNull: false, default: null },
        },
      ],
      [update('t', 'extra', 2, 'e2')],
      [{ kind: 'renameColumn', table: 't', from: 'v', to: 'w' }],
      [update('t', 'w', 3, 'c1'), update('u', 'v', 1, 'x1')],
      [{ kind: 'dropColumn', table: 't', column: 'extra' }],
      [update('t', 'w', 1, 'a2'), insert('u', 3, 'z')],
    ];
    for (const [i, s] of steps.entries())
      await writer.apply(plan(...s), { pushId: `p${i}`, conflict: 'overwrite' });
    const expected = await dumpOf(await writer.exportDatabase());
    await writer.close();
    expect(storage.records.length).toBe(steps.length);

    const reader = await memoryEngine(storage);
    expect(await dumpOf(await reader.exportDatabase())).toBe(expected);
    // The triggers survived replay and still fire.
    await reader.apply(plan(insert('t', 4, 'd', 'w')), { pushId: 'after' });
    const after = await reader.query("SELECT what FROM log WHERE what = 't d'");
    expect(after.length).toBe(1);
    await reader.close();
  });

  it('replays a run of records whole or not at all', async () => {
    const { storage, writer } = await writerOf(`
        CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT);
        CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN INSERT INTO log (what) VALUES (NEW.v); END;
        INSERT INTO t VALUES (1, 'a'), (2, 'b');`);
    const snapshot = await writer.exportDatabase();
    for (let i = 0; i < 6; i++)
      await writer.apply(plan(update('t', 'v', 1 + (i % 2), `v${i}`)), { pushId: `p${i}` });
    await writer.apply(plan(insert('t', 3, 'c')), { pushId: 'ins' });
    const expected = await dumpOf(await writer.exportDatabase());
    await writer.close();
    const SQL = await loadSql();
    const db = new SQL.Database(snapshot);
    configureConnection(db, true);
    // A last record that fails: nothing of the run may stay, not even the records before it, nor
    // a trigger set aside.
    const last = storage.records[storage.records.length - 1]!;
    const records = [...storage.records, { ...last, seq: last.seq + 1, ddl: ['NOT SQL'] }];
    expect(() => replayRecords(db, records, true)).toThrow();
    expect(dump(db)).toBe(await dumpOf(snapshot));
    replayRecords(db, storage.records, true);
    expect(dump(db)).toBe(expected);
    db.close();
  });

  it('takes in a run of commits at once, each with the schema after it', async () => {
    const storage = new MemoryStorage();
    const writer = await memoryEngine(storage, 'shared');
    await writer.importDatabase(
      await fileOf(
        `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a');`,
      ),
    );
    const reader = await memoryEngine(storage, 'shared');
    const { seq } = await reader.state();
    await writer.apply(plan(update('t', 'v', 1, 'b')), { pushId: 'p1' });
    await writer.apply(
      plan({
        kind: 'addColumn',
        table: 't',
        column: { name: 'extra', declaredType: 'TEXT', notNull: false, default: null },
      }),
      { pushId: 'p2' },
    );
    await writer.apply(plan(update('t', 'extra', 1, 'x')), { pushId: 'p3' });
    await writer.apply(plan({ kind: 'renameColumn', table: 't', from: 'v', to: 'w' }), {
      pushId: 'p4',
    });
    const since = await reader.commitsSince(seq);
    expect(since.commits.map((c) => c.seq)).toEqual([seq + 1, seq + 2, seq + 3, seq + 4]);
    expect(
      since.commits.map((c) =>
        c.tables.find((t) => t.name === 't')!.columns.map((col) => col.name),
      ),
    ).toEqual([
      ['id', 'v'],
      ['id', 'v', 'extra'],
      ['id', 'v', 'extra'],
      ['id', 'w', 'extra'],
    ]);
    expect(await dumpOf(await reader.exportDatabase())).toBe(
      await dumpOf(await writer.exportDatabase()),
    );
    await reader.close();
    await writer.close();
  });
});
