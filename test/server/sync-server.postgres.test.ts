import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionPlan, InsertStep, PlanStep } from '../../src/plan/execution-plan';
import { encodePlan } from '../../src/plan/plan-json';
import { createSyncServer, type ListeningSyncServer, type SyncLimits } from '../../src/server';
import { planMutations } from '../support/plan-mutations';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const insert = (ids: number[], ns: number[]): InsertStep => ({
  kind: 'insert',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  columns: ['id', 'n'],
  types: ['INTEGER', 'INTEGER'],
  values: [ids, ns],
  count: ids.length,
});

/** Sets `n` of row `id` to `to`, based on it holding `from`. */
const setN = (id: number, from: number, to: number): PlanStep => ({
  kind: 'update',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  keys: [[id]],
  set: ['n'],
  types: ['INTEGER'],
  values: [[to]],
  count: 1,
  guard: { key: ['id'], keys: [[id]], columns: ['n'], kinds: ['integer'], expected: [[from]] },
});

const TOKENS = {
  'token-a': { user: 'ada', device: 'a' },
  'token-b': { user: 'bob', device: 'b' },
  'token-reader': { user: 'rita', device: 'r' },
};

interface Setup {
  readonly db: pg.Pool;
  readonly server: ListeningSyncServer;
  rows(table?: string): Promise<Record<string, unknown>[]>;
  commits(): Promise<number>;
}

/** A fresh database with `items` and `secret`, and a sync server over it. */
async function setUp(limits: Partial<SyncLimits> = {}): Promise<Setup> {
  const db = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 6 });
  await db.query(`CREATE TABLE items (id bigint PRIMARY KEY, n bigint, s text DEFAULT 'new')`);
  await db.query(`CREATE TABLE secret (id bigint PRIMARY KEY, v text)`);
  await db.query(`CREATE TABLE unsynced (id bigint PRIMARY KEY)`);
  const sync = createSyncServer({
    pool: db,
    authenticate: TOKENS,
    // The reader may read items only; everyone else reads and writes both.
    authorize: (who, table, access) =>
      who.device === 'r' ? table === 'items' && access === 'read' : access !== 'schema',
    tables: ['items', 'secret'],
    limits: { helloTimeoutMs: 500, ...limits },
  });
  const server = await sync.listen();
  return {
    db,
    server,
    rows: async (table = 'items') =>
      (await db.query(`SELECT id::int, n::int, s FROM "${table}" ORDER BY id`)).rows,
    commits: async () =>
      Number((await db.query('SELECT count(*)::int AS n FROM pandalchemy_commits')).rows[0].n),
  };
}

async function tearDown(s: Setup): Promise<void> {
  await s.server.close();
  await s.db.end();
}

describe('sync server: sessions', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(() => tearDown(s));

  test('closes a connection that says no hello in time', async () => {
    const device = await SyncDevice.open(s.server.url);
    expect((await device.closed).code).toBe(4400);
  });

  test('refuses a missing, wrong or inherited token, and a message before hello', async () => {
    for (const token of ['', 'nope', 'constructor', '__proto__', 'toString']) {
      const device = await SyncDevice.open(s.server.url);
      device.send({ type: 'hello', protocol: 1, token, since: null });
      const error = await device.next((m) => m.type === 'error');
      expect((error['error'] as { code: string }).code).toBe('unauthorized');
      expect((await device.closed).code).toBe(4401);
    }
    const early = await SyncDevice.open(s.server.url);
    early.send({ type: 'push', id: randomUUID(), basis: null, plan: encodePlan(plan()) });
    expect((await early.closed).code).toBe(4400);
    const wrongProtocol = await SyncDevice.open(s.server.url);
    wrongProtocol.send({ type: 'hello', protocol: 2, token: 'token-a', since: null });
    expect((await wrongProtocol.closed).code).toBe(4400);
  });

  test('closes on a message that is not of the protocol', async () => {
    for (const bad of [
      'not json',
      '[]',
      '{"type":"sql","sql":"DROP TABLE items"}',
      JSON.stringify({ type: 'push', id: 'not-a-uuid', basis: null, plan: '{}' }),
      JSON.stringify({ type: 'push', id: randomUUID(), basis: null, plan: '{}', extra: 1 }),
      JSON.stringify({ type: 'pull', since: -1 }),
    ]) {
      const { device } = await SyncDevice.connect(s.server.url, 'token-a');
      device.send(bad);
      expect((await device.closed).code).toBe(4400);
    }
  });

  test('welcomes a device with its identity, the head and its rights per table', async () => {
    const { device, welcome } = await SyncDevice.connect(s.server.url, 'token-reader');
    expect(welcome).toMatchObject({
      device: 'r',
      user: 'rita',
      head: 0,
      tables: [
        { table: 'items', read: true, write: false, schema: false },
        { table: 'secret', read: false, write: false, schema: false },
      ],
    });
    device.close();
  });
});

describe('sync server: pushes', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp({ maxPlanRows: 50, maxMessageBytes: 64 * 1024, loadChunkRows: 20 });
  });
  afterAll(() => tearDown(s));

  test('numbers accepted pushes and fans them out, with the rows as PostgreSQL stored them', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const b = (await SyncDevice.connect(s.server.url, 'token-b')).device;
    const reader = (await SyncDevice.connect(s.server.url, 'token-reader')).device;
    const first = await a.push(plan(insert([1, 2], [10, 20])));
    expect(first).toMatchObject({ type: 'accepted', seq: 1 });
    await b.commitAtLeast(1);
    const commit = b.commits()[0]!;
    expect(commit).toMatchObject({ seq: 1, pushId: first['id'] });
    expect(commit.effects).toEqual([
      {
        table: 'items',
        reload: false,
        dropped: false,
        key: ['id'],
        deleted: { rowids: null, keys: [[]] },
        upserts: {
          rowids: null,
          columns: ['id', 'n', 's'],
          values: [
            [1, 2],
            [10, 20],
            ['new', 'new'],
          ],
          priorKeys: [[1, 2]],
        },
      },
    ]);
    const second = await b.push(
      plan(
        {
          kind: 'delete',
          table: 'items',
          key: ['id'],
          keyTypes: [''],
          keys: [[2]],
          count: 1,
          guard: null,
        },
        setN(1, 10, 11),
      ),
    );
    expect(second).toMatchObject({ type: 'accepted', seq: 2 });
    // A table this device may not read reaches it as a commit without effects: no gap.
    expect(
      await a.push(
        plan({
          ...insert([1], [1]),
          table: 'secret',
          columns: ['id'],
          types: ['INTEGER'],
          values: [[1]],
        }),
      ),
    ).toMatchObject({ type: 'accepted', seq: 3 });
    for (const d of [a, b, reader]) await d.commitAtLeast(3);
    for (const d of [a, b, reader]) expect(d.commits().map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(reader.commits()[2]!.effects).toEqual([]);
    expect(a.commits()[2]!.effects.map((e) => e.table)).toEqual(['secret']);
    expect(a.commits()[1]!.effects[0]).toMatchObject({
      deleted: { keys: [[2]] },
      upserts: { values: [[1], [11], ['new']], priorKeys: [[1]] },
    });
    expect(await s.rows()).toEqual([{ id: 1, n: 11, s: 'new' }]);
    for (const d of [a, b, reader]) d.close();
  });

  test('refuses a push whose guarded row changed, with the conflicts, and records the refusal', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const b = (await SyncDevice.connect(s.server.url, 'token-b')).device;
    await a.push(plan(insert([100], [1])));
    // Both devices edit n of row 100 from 1: a first, then b, whose edit was based on 1.
    expect(await a.push(plan(setN(100, 1, 2)))).toMatchObject({ type: 'accepted' });
    const id = randomUUID();
    const refused = await b.push(plan(setN(100, 1, 3)), id);
    expect(refused).toMatchObject({
      type: 'refused',
      id,
      error: {
        code: 'conflict',
        conflicts: [{ table: 'items', key: [100], columns: ['n'], missing: false }],
      },
    });
    // A retry gets the same answer, even though the row could now take the edit.
    await s.db.query('UPDATE items SET n = 1 WHERE id = 100');
    expect(await b.push(plan(setN(100, 1, 3)), id)).toEqual(refused);
    expect((await s.db.query('SELECT n::int FROM items WHERE id = 100')).rows).toEqual([{ n: 1 }]);
    // The same id with another plan is not that push.
    expect(await b.push(plan(setN(100, 1, 4)), id)).toMatchObject({
      type: 'refused',
      error: { code: 'invalid_message', field: 'id' },
    });
    a.close();
    b.close();
  });

  test('refuses a constraint failure naming the constraint, and writes nothing', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const before = await s.commits();
    const answer = await a.push(plan(insert([500, 500], [1, 2])));
    expect(answer).toMatchObject({
      type: 'refused',
      error: { code: 'constraint', table: 'items' },
    });
    expect(await s.commits()).toBe(before);
    expect(
      (await s.db.query('SELECT count(*)::int AS n FROM items WHERE id = 500')).rows[0].n,
    ).toBe(0);
    a.close();
  });

  test('refuses tables it does not sync or the device may not write, before anything runs', async () => {
    const reader = (await SyncDevice.connect(s.server.url, 'token-reader')).device;
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const before = await s.commits();
    expect(await reader.push(plan(insert([900], [1])))).toMatchObject({
      type: 'refused',
      error: { code: 'forbidden', table: 'items' },
    });
    expect(
      await a.push(
        plan({
          kind: 'insert',
          table: 'unsynced',
          key: ['id'],
          keyTypes: [''],
          columns: ['id'],
          types: [''],
          values: [[1]],
          count: 1,
        }),
      ),
    ).toMatchObject({ type: 'refused', error: { code: 'forbidden', table: 'unsynced' } });
    expect(
      await a.push(
        plan({
          kind: 'insert',
          table: 'pandalchemy_commits',
          key: ['seq'],
          keyTypes: [''],
          columns: ['seq'],
          types: [''],
          values: [[99]],
          count: 1,
        }),
      ),
    ).toMatchObject({ type: 'refused', error: { code: 'forbidden' } });
    // Schema steps need schema access, which the default rights do not give.
    expect(await a.push(plan({ kind: 'dropTable', table: 'items' }))).toMatchObject({
      type: 'refused',
      error: { code: 'forbidden', step: 'dropTable' },
    });
    expect(await s.commits()).toBe(before);
    expect((await s.db.query('SELECT count(*)::int AS n FROM unsynced')).rows[0].n).toBe(0);
    const load = reader.next((m) => m.type === 'loadFailed');
    reader.send({ type: 'load', id: 'x', table: 'secret' });
    expect((await load)['error']).toMatchObject({ code: 'forbidden' });
    reader.close();
    a.close();
  });

  test('refuses every malformed plan with invalid_plan, and runs nothing of it', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const valid = plan(
      {
        kind: 'delete',
        table: 'items',
        key: ['id'],
        keyTypes: [''],
        keys: [[1]],
        count: 1,
        guard: null,
      },
      setN(100, 1, 5),
      insert([600, 601], [1, 2]),
    );
    const before = await s.rows();
    const commits = await s.commits();
    const mutations = planMutations(valid);
    expect(mutations.length).toBeGreaterThan(50);
    for (const m of mutations) {
      // As a device would send it: encodePlan tags what JSON cannot hold (NaN, BigInt, bytes).
      const text = encodePlan(m.apply(valid) as ExecutionPlan);
      const answer = await a.push(text);
      expect(answer, m.what).toMatchObject({ type: 'refused', error: { code: 'invalid_plan' } });
    }
    expect(await a.push('{"version":1,"steps":[{"kind":"insert"')).toMatchObject({
      type: 'refused',
      error: { code: 'invalid_plan' },
    });
    expect(await s.rows()).toEqual(before);
    expect(await s.commits()).toBe(commits);
    a.close();
  });

  test('refuses a plan over the row limit, and closes on a message over the size limit', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const ids = Array.from({ length: 51 }, (_, i) => 1000 + i);
    expect(await a.push(plan(insert(ids, ids)))).toMatchObject({
      type: 'refused',
      error: { code: 'too_large' },
    });
    a.send({ type: 'push', id: randomUUID(), basis: null, plan: 'x'.repeat(70 * 1024) });
    expect((await a.closed).code).toBe(1009);
    expect(
      (await s.db.query('SELECT count(*)::int AS n FROM items WHERE id >= 1000')).rows[0].n,
    ).toBe(0);
  });

  test('applies a push once when its answer was lost and it is sent again', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const id = randomUUID();
    const text = encodePlan(plan(insert([700], [7])));
    a.send({ type: 'push', id, basis: null, plan: text });
    // The network goes before the answer comes back.
    a.terminate();
    const again = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    const answer = await again.push(text, id);
    expect(answer).toMatchObject({ type: 'accepted', id });
    expect(await again.push(text, id)).toEqual(answer);
    const logged = await s.db.query('SELECT seq::int FROM pandalchemy_commits WHERE push_id = $1', [
      id,
    ]);
    expect(logged.rows).toEqual([{ seq: answer['seq'] }]);
    expect((await s.db.query('SELECT n::int FROM items WHERE id = 700')).rows).toEqual([{ n: 7 }]);
    again.close();
  });

  test('sends a device that was offline every commit after its last, in order, and again on pull', async () => {
    const head = await s.commits();
    const late = (await SyncDevice.connect(s.server.url, 'token-b', 1)).device;
    await late.commitAtLeast(head);
    expect(late.commits().map((c) => c.seq)).toEqual(
      Array.from({ length: head - 1 }, (_, i) => i + 2),
    );
    const from = late.messages.length;
    late.send({ type: 'pull', since: head - 2 });
    await late.next((m) => m.type === 'commit' && m['seq'] === head, 20_000, from);
    expect(
      late
        .commits()
        .slice(head - 1)
        .map((c) => c.seq),
    ).toEqual([head - 1, head]);
    late.close();
  });

  test('streams a table as of a commit, in chunks with progress', async () => {
    const a = (await SyncDevice.connect(s.server.url, 'token-a')).device;
    for (let start = 2000; start < 2090; start += 45)
      await a.push(
        plan(
          insert(
            Array.from({ length: 45 }, (_, i) => start + i),
            Array(45).fill(3),
          ),
        ),
      );
    const head = await s.commits();
    const from = a.messages.length;
    a.send({ type: 'load', id: 'load-1', table: 'items' });
    const loaded = await a.next((m) => m.type === 'loaded', 20_000, from);
    const got = a.messages.slice(from).filter((m) => m['id'] === 'load-1');
    const table = got[0]!;
    expect(table).toMatchObject({ type: 'table', table: 'items', asOf: head, key: ['id'] });
    const total = table['total'] as number;
    const chunks = got.filter((m) => m.type === 'rows');
    expect(chunks.length).toBe(Math.ceil(total / 20));
    expect(chunks.map((c) => c['done'])).toEqual(
      chunks.map((_, i) => Math.min(total, (i + 1) * 20)),
    );
    const ids = chunks.flatMap((c) => (c['values'] as number[][])[0]!);
    expect(ids).toEqual((await s.rows()).map((r) => r['id']));
    expect(loaded).toMatchObject({ asOf: head, rows: total });
    a.close();
  });
});
