import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { encodePlan } from '../../src/plan/plan-json';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice, type CommitMessage, type ServerMessage } from '../support/sync-device';
import {
  removeServerBundle,
  startServerProcess,
  type ServerProcess,
} from '../support/sync-server-process';

/*
 * Several sync server processes (real child processes, as in production) over one PostgreSQL
 * database, devices connected to different ones, and a process killed in the middle of pushes.
 */

const DEVICES = ['a', 'b', 'c', 'd'] as const;
const TOKENS = Object.fromEntries(
  [...DEVICES, 'e', 'watcher'].map((d) => [`token-${d}`, { user: `user-${d}`, device: d }]),
);
/** Pushes each device sends at once in the concurrent round. */
const PUSHES = Number(process.env['SYNC_PROCESS_PUSHES'] ?? 10);

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const insertRow = (id: number, n: number): PlanStep => ({
  kind: 'insert',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  columns: ['id', 'n'],
  types: ['INTEGER', 'INTEGER'],
  values: [[id], [n]],
  count: 1,
});

/** Sets `s` of the shared row 0, whatever it holds (no guard): the last commit wins. */
const setShared = (s: string): PlanStep => ({
  kind: 'update',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  keys: [[0]],
  set: ['s'],
  types: ['TEXT'],
  values: [[s]],
  count: 1,
  guard: null,
});

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The rows of `items` after replaying `commits` in order from an empty table, by key. */
function replay(commits: readonly CommitMessage[]): Map<string, (string | null)[]> {
  const rows = new Map<string, (string | null)[]>();
  for (const c of commits) {
    for (const e of c.effects) {
      if (e.table !== 'items') continue;
      for (const id of e.deleted.keys[0] ?? []) rows.delete(String(id));
      const { columns, values, priorKeys } = e.upserts;
      const at = columns.indexOf('id');
      for (const prior of priorKeys[0] ?? []) rows.delete(String(prior));
      for (let i = 0; i < (values[0]?.length ?? 0); i++)
        rows.set(
          String(values[at]![i]),
          values.map((v) => text(v[i])),
        );
    }
  }
  return rows;
}

async function tableRows(db: pg.Pool): Promise<Map<string, (string | null)[]>> {
  const { rows } = await db.query<{ id: string; n: string | null; s: string | null }>(
    'SELECT id::text, n::text, s FROM items',
  );
  return new Map(rows.map((r) => [r.id, [r.id, r.n, r.s]]));
}

/** Every commit of the log, as a device connecting with `since: 0` receives it. */
async function wholeLog(url: string, head: number): Promise<CommitMessage[]> {
  const { device } = await SyncDevice.connect(url, 'token-watcher', 0);
  await device.commitAtLeast(head);
  device.close();
  return device.commits();
}

const answerOf = (m: ServerMessage, id: string): boolean =>
  ['accepted', 'refused', 'failed'].includes(m.type) && m['id'] === id;

describe('sync server processes over one database', () => {
  let databaseUrl: string;
  let db: pg.Pool;
  const processes: ServerProcess[] = [];
  const start = async (commitDelayMs = 0): Promise<ServerProcess> => {
    const p = await startServerProcess({
      databaseUrl,
      tokens: TOKENS,
      tables: ['items'],
      commitDelayMs,
    });
    processes.push(p);
    return p;
  };
  const head = async (): Promise<number> =>
    Number(
      (await db.query('SELECT coalesce(max(seq), 0)::int AS n FROM pandalchemy_commits')).rows[0].n,
    );

  beforeAll(async () => {
    databaseUrl = await freshPostgresUrl();
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    await db.query(`CREATE TABLE items (id bigint PRIMARY KEY, n bigint, s text DEFAULT 'new')`);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await db.end();
    removeServerBundle();
  });

  test('devices on two processes pushing at once all receive every commit, in one order, and the log replays to the table', async () => {
    // Started together: both create the log's tables when missing, under its lock.
    const [one, two] = await Promise.all([start(), start()]);
    const devices = await Promise.all(
      DEVICES.map(
        async (d, i) =>
          (await SyncDevice.connect((i % 2 ? two! : one!).url, `token-${d}`, 0)).device,
      ),
    );
    expect(await devices[0]!.push(plan(insertRow(0, 0)))).toMatchObject({
      type: 'accepted',
      seq: 1,
    });
    // Every device pipelines its pushes: each inserts a row of its own and sets the shared row.
    const ids = devices.map(() => Array.from({ length: PUSHES }, () => randomUUID()));
    devices.forEach((device, d) => {
      for (let j = 0; j < PUSHES; j++) {
        const p = plan(setShared(`${DEVICES[d]}${j}`), insertRow((d + 1) * 1000 + j, j));
        device.send({ type: 'push', id: ids[d]![j], basis: null, plan: encodePlan(p) });
      }
    });
    const answers = await Promise.all(
      devices.map((device, d) =>
        Promise.all(ids[d]!.map((id) => device.next((m) => answerOf(m, id), 60_000))),
      ),
    );
    for (const list of answers) {
      expect(list.map((a) => a.type)).toEqual(list.map(() => 'accepted'));
      // A device's pushes are applied in the order it sent them.
      const seqs = list.map((a) => a['seq'] as number);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    const total = 1 + DEVICES.length * PUSHES;
    expect(await head()).toBe(total);
    await Promise.all(devices.map((d) => d.commitAtLeast(total)));
    const seen = devices.map((d) => d.commits().map((c) => `${c.seq}:${c.pushId}`));
    expect(seen[0]!.map((s) => Number(s.split(':')[0]))).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    for (const s of seen) expect(s).toEqual(seen[0]);
    expect(replay(devices[1]!.commits())).toEqual(await tableRows(db));
    for (const d of devices) d.close();
  });

  test('a process killed in the middle of pushes loses no accepted commit and applies none twice', async () => {
    /** The pushes of `ids` the log holds. */
    const logged = async (ids: readonly string[]): Promise<number> =>
      Number(
        (
          await db.query(
            'SELECT count(*)::int AS n FROM pandalchemy_commits WHERE push_id = ANY($1::uuid[])',
            [ids],
          )
        ).rows[0].n,
      );
    const until = async (done: () => Promise<boolean> | boolean): Promise<void> => {
      while (!(await done())) await new Promise((r) => setTimeout(r, 5));
    };
    // When to kill: while the first push waits to commit; once a commit is in the log but its
    // answer not yet sent (the answer is lost); in the middle of the pushes after one answered.
    const moments: ((device: SyncDevice, ids: string[]) => Promise<void>)[] = [
      () => new Promise((r) => setTimeout(r, 60)),
      async (device, ids) => {
        const answered = (): number => device.messages.filter((m) => m.type === 'accepted').length;
        await until(async () => (await logged(ids)) > answered());
      },
      async (device) => {
        await device.next((m) => m.type === 'accepted');
        await new Promise((r) => setTimeout(r, 150));
      },
    ];
    for (const [round, moment] of moments.entries()) {
      const slow = await start(120);
      const { device } = await SyncDevice.connect(slow.url, 'token-e', null);
      const pushes = Array.from({ length: 6 }, (_, j) => ({
        id: randomUUID(),
        text: encodePlan(plan(setShared(`e${round}.${j}`), insertRow(10_000 + round * 100 + j, j))),
      }));
      for (const p of pushes) device.send({ type: 'push', id: p.id, basis: null, plan: p.text });
      await moment(
        device,
        pushes.map((p) => p.id),
      );
      await slow.kill();
      await device.closed;
      const before = new Map(
        device.messages.filter((m) => m.type === 'accepted').map((m) => [m['id'], m['seq']]),
      );
      // The device sends its whole outbox again, in order, to a process that is still up.
      const healthy =
        processes.find((p) => p.child.exitCode === null && p.child.signalCode === null) ??
        (await start());
      const again = (await SyncDevice.connect(healthy.url, 'token-e', null)).device;
      for (const p of pushes) {
        const answer = await again.push(p.text, p.id);
        expect(answer.type, JSON.stringify(answer)).toBe('accepted');
        if (before.has(p.id)) expect(answer['seq']).toBe(before.get(p.id));
      }
      again.close();
      const counts = await db.query<{ push_id: string; n: number }>(
        'SELECT push_id::text, count(*)::int AS n FROM pandalchemy_commits WHERE push_id = ANY($1::uuid[]) GROUP BY push_id',
        [pushes.map((p) => p.id)],
      );
      expect(counts.rows.length).toBe(pushes.length);
      for (const r of counts.rows) expect(r.n).toBe(1);
    }
    const n = await head();
    const live = processes.find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
    const log = await wholeLog(live.url, n);
    expect(log.map((c) => c.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(replay(log)).toEqual(await tableRows(db));
  });
});
