import { describe, expect, it } from 'vitest';
import { checkpointDue } from '../../src/engine/durable/checkpoint-policy';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import type { TableEffect } from '../../src/protocol/engine-api';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

const MiB = 2 ** 20;

/** An engine on `storage` whose database holds `t(id INTEGER PRIMARY KEY, v INTEGER)` = (1, 0). */
async function engineWithTable(
  storage: MemoryStorage,
): Promise<Awaited<ReturnType<typeof memoryEngine>>> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
  db.run('INSERT INTO t VALUES (1, 0)');
  const bytes = db.export();
  db.close();
  const e = await memoryEngine(storage);
  await e.importDatabase(bytes);
  return e;
}

describe('checkpoint policy', () => {
  it('is due past the byte threshold whatever the record count', () => {
    expect(checkpointDue({ bytes: 8 * MiB + 1, records: 1 }, 100 * MiB, 8 * MiB)).toBe(true);
    expect(checkpointDue({ bytes: 8 * MiB, records: 1 }, 100 * MiB, 8 * MiB)).toBe(false);
  });

  it('is due past one record per 64 KiB of snapshot, and never later than 100 records', () => {
    expect(checkpointDue({ bytes: 1000, records: 1600 }, 100 * MiB, 8 * MiB)).toBe(false);
    expect(checkpointDue({ bytes: 1000, records: 1601 }, 100 * MiB, 8 * MiB)).toBe(true);
    expect(checkpointDue({ bytes: 1000, records: 100 }, 0, 8 * MiB)).toBe(false);
    expect(checkpointDue({ bytes: 1000, records: 101 }, 64 * 1024, 8 * MiB)).toBe(true);
  });

  it('folds a log of many small pushes into the snapshot, and a reopen finds every push', async () => {
    const storage = new MemoryStorage();
    const e = await engineWithTable(storage);
    const set = (v: number): ExecutionPlan => ({
      version: 2,
      steps: [
        {
          kind: 'update',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[1]],
          set: ['v'],
          types: [''],
          values: [[v]],
          count: 1,
          guard: null,
        },
      ],
    });
    for (let v = 1; v <= 250; v++) await e.apply(set(v), { pushId: `p${v}` });
    // Each checkpoint runs after the push that made it due (later in the engine's queue).
    await e.state();
    await e.close();
    expect(storage.snapshotSeq).toBeGreaterThan(1);
    expect(storage.records.length).toBeLessThanOrEqual(100);
    const again = await memoryEngine(storage);
    const t = await again.query('SELECT v FROM t');
    expect(t.columns[0]![0]).toBe(250);
    expect(await again.hasCommitted('p1')).toBe(true);
    expect(await again.hasCommitted('p250')).toBe(true);
    await again.close();
  });
});

describe('server commits taken in by sync', () => {
  it('fold into the snapshot when a run makes a checkpoint due, and a reopen has every one', async () => {
    const storage = new MemoryStorage();
    const e = await engineWithTable(storage);
    // A catch-up: 300 one-row server commits taken in as one run.
    const commits = Array.from({ length: 300 }, (_, i) => ({
      pushId: `sync:${i + 1}`,
      effects: [rowEffect(i + 1)],
    }));
    const result = await e.takeEffects(commits, { serverSeq: 300, expect: [] });
    expect(result?.seq).toBe(301);
    await e.state();
    await e.close();
    expect(storage.serverSeq).toBe(300);
    expect(storage.snapshotSeq).toBe(301);
    expect(storage.records).toEqual([]);
    const again = await memoryEngine(storage);
    expect((await again.query('SELECT v FROM t')).columns[0]![0]).toBe(300);
    await again.close();
  });
});

/** What a server commit setting row 1's v does. */
function rowEffect(v: number): TableEffect {
  return {
    table: 't',
    reload: false,
    dropped: false,
    key: ['id'],
    deleted: { rowids: [], keys: [[]] },
    upserts: { rowids: [1], columns: ['id', 'v'], values: [[1], [v]], priorKeys: [[1]] },
  };
}

describe('a checkpoint does not hold up pushes', () => {
  it('commits and persists pushes while the snapshot file is being written', async () => {
    let release = (): void => undefined;
    let staging = (): void => undefined;
    const started = new Promise<void>((r) => (staging = r));
    const gate = new Promise<void>((r) => (release = r));
    // Storage whose snapshot writes wait for the test: a slow disk, as a 100 MB file is.
    class SlowStorage extends MemoryStorage {
      override async stageSnapshot(bytes: Uint8Array) {
        staging();
        await gate;
        return super.stageSnapshot(bytes);
      }
    }
    const storage = new SlowStorage();
    const e = await engineWithTable(storage);
    const set = (v: number): ExecutionPlan => ({
      version: 2,
      steps: [
        {
          kind: 'update',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[1]],
          set: ['v'],
          types: [''],
          values: [[v]],
          count: 1,
          guard: null,
        },
      ],
    });
    await e.apply(set(1), { pushId: 'p1' });
    const cp = e.checkpoint();
    await started;
    const pushed = await Promise.race([
      e.apply(set(2), { pushId: 'p2' }).then(() => 'pushed'),
      new Promise((r) => setTimeout(() => r('held up'), 2000)),
    ]);
    expect(pushed).toBe('pushed');
    expect(storage.records.map((r) => r.pushId)).toContain('p2');
    release();
    const result = await cp;
    // The snapshot is as of the export; the push made meanwhile stays in the log after it.
    expect(storage.snapshotSeq).toBe(result.seq);
    expect(storage.records.map((r) => r.pushId)).toEqual(['p2']);
    await e.close();
    const again = await memoryEngine(storage);
    expect((await again.query('SELECT v FROM t')).columns[0]![0]).toBe(2);
    await again.close();
  });
});
