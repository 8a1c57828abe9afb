import { fc } from '@fast-check/vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { createSyncServer, type ListeningSyncServer, type SyncPool } from '../../src/server';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';
import type { SqlValue } from '../../src/values/sql-value';

// What a device is told of a failure names what it sent, never PostgreSQL's own words (a refused
// row's contents in `detail`, a trigger's message), the pool's (hosts, users) or the app's
// callbacks': those go to the server's onError only.

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

let db: pg.Pool;
let server: ListeningSyncServer;
let down = false;
let authorizeThrows = false;
const reported: unknown[] = [];
const HOST = '10.1.2.3';
const SECRET = 'hunter2';

beforeAll(async () => {
  db = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 6 });
  // A drop box: device w may write, not read. Each row holds someone's private text.
  await db.query(
    `CREATE TABLE inbox (id bigint PRIMARY KEY, body text, n bigint NOT NULL CHECK (n >= 0), tag text UNIQUE)`,
  );
  // A trigger that quotes the row it refuses, as app triggers do.
  await db.query(`CREATE FUNCTION inbox_cap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.n > 1000 THEN RAISE EXCEPTION 'n too large for row %', OLD; END IF;
  RETURN NEW;
END $$`);
  await db.query(
    `CREATE TRIGGER inbox_cap BEFORE UPDATE ON inbox FOR EACH ROW EXECUTE FUNCTION inbox_cap()`,
  );
  const pool: SyncPool = {
    connect: () =>
      down
        ? Promise.reject(new Error(`connect ECONNREFUSED ${HOST}:5432 (user app_admin)`))
        : db.connect(),
  };
  server = await createSyncServer({
    pool,
    authenticate: { 'tok-w': { user: 'w', device: 'w' }, 'tok-a': { user: 'a', device: 'a' } },
    authorize: (who, _table, access) => {
      if (authorizeThrows) throw new Error(`rights service at ${HOST} password=${SECRET} down`);
      return who.device === 'a' ? access !== 'schema' : access === 'write';
    },
    tables: ['inbox'],
    onError: (e) => reported.push(e),
  }).listen();
});
afterAll(async () => {
  await server.close();
  await db.end();
});

const update = (id: number, set: string, value: SqlValue): PlanStep => ({
  kind: 'update',
  table: 'inbox',
  key: ['id'],
  keyTypes: ['INTEGER'],
  keys: [[id]],
  set: [set],
  types: [set === 'n' ? 'INTEGER' : 'TEXT'],
  values: [[value]],
  count: 1,
  guard: null,
});

/** Writes that PostgreSQL refuses, each of a row the device cannot read. */
const refusedWrite = fc.oneof(
  fc.constantFrom<SqlValue>(null, -1, -999, 5000).map((n) => ({ set: 'n', value: n })),
  fc.constant({ set: 'tag', value: 'taken' }),
);

test("a write-only device's refusals hold nothing of the rows it may not read", async () => {
  await fc.assert(
    fc.asyncProperty(fc.stringMatching(/^[a-z]{12}$/), refusedWrite, async (secret, write) => {
      await db.query('DELETE FROM inbox');
      await db.query(`INSERT INTO inbox VALUES (42, $1, 1, 'mine'), (7, 'other', 1, 'taken')`, [
        `private ${secret}`,
      ]);
      const { device } = await SyncDevice.connect(server.url, 'tok-w');
      try {
        const answer = await device.push(plan(update(42, write.set, write.value)));
        expect(answer['type']).toBe('refused');
        const text = JSON.stringify(answer);
        expect(text).not.toContain(secret);
        expect(text).not.toMatch(/Failing row|Key \(/);
        // The code and what the device sent stay.
        expect(answer['error']).toMatchObject({ table: 'inbox', key: [42] });
      } finally {
        device.close();
      }
    }),
    { numRuns: 12 },
  );
});

test('the app is told PostgreSQL’s own words of a refusal', async () => {
  await db.query('DELETE FROM inbox');
  await db.query(`INSERT INTO inbox VALUES (42, 'private words', 1, 'x')`);
  reported.length = 0;
  const { device } = await SyncDevice.connect(server.url, 'tok-w');
  const answer = await device.push(plan(update(42, 'n', -1)));
  device.close();
  expect(answer['error']).toMatchObject({ code: 'constraint', constraint: 'inbox_n_check' });
  expect(JSON.stringify(answer)).not.toContain('private words');
  const cause = (reported[0] as { cause?: { detail?: string } }).cause;
  expect(cause?.detail).toContain('private words');
});

test("the app's authorize throwing: push, load, pull answers say nothing of why", async () => {
  const { device } = await SyncDevice.connect(server.url, 'tok-a');
  authorizeThrows = true;
  try {
    const push = await device.push(plan(update(42, 'n', 2)));
    expect(push).toMatchObject({ type: 'failed', error: { code: 'internal' } });
    device.send({ type: 'load', id: 'l', table: 'inbox' });
    const load = await device.next((m) => m.type === 'loadFailed');
    expect(load).toMatchObject({ error: { code: 'internal' } });
    device.send({ type: 'pull', since: 0 });
    await device.closed;
    expect(device.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'internal' } });
  } finally {
    authorizeThrows = false;
  }
  const all = JSON.stringify(device.messages);
  expect(all).not.toContain(HOST);
  expect(all).not.toContain(SECRET);
  // Not recorded: the same push, sent again, is applied.
  const { device: again } = await SyncDevice.connect(server.url, 'tok-a');
  const id = randomUUID();
  authorizeThrows = true;
  expect(await again.push(plan(update(42, 'n', 3)), id)).toMatchObject({ type: 'failed' });
  authorizeThrows = false;
  expect(await again.push(plan(update(42, 'n', 3)), id)).toMatchObject({ type: 'accepted' });
  again.close();
});

test('PostgreSQL down: push, load and head answers say nothing of its address or user', async () => {
  const { device } = await SyncDevice.connect(server.url, 'tok-a');
  down = true;
  try {
    const push = await device.push(plan(update(42, 'n', 4)));
    expect(push).toMatchObject({ type: 'failed', error: { code: 'postgres' } });
    device.send({ type: 'load', id: 'l', table: 'inbox' });
    const load = await device.next((m) => m.type === 'loadFailed');
    expect(load).toMatchObject({ error: { code: 'postgres' } });
    device.send({ type: 'head' });
    await device.closed;
    expect(device.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'postgres' } });
  } finally {
    down = false;
  }
  const all = JSON.stringify(device.messages);
  expect(all).not.toContain(HOST);
  expect(all).not.toContain('app_admin');
});
