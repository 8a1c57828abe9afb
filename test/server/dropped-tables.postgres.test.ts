import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { PLAN_VERSION, type ExecutionPlan } from '../../src/plan/execution-plan';
import { encodePlan } from '../../src/plan/plan-json';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { nodeDevices, rowsOf, synced, type NodeDevices } from './node-devices';

/*
 * A synced table dropped on the server is dropped on every device that follows it, not left
 * there with stale rows; and one synced table the server cannot load (not there) is reported
 * for itself, the device's other tables syncing on.
 */

let w: NodeDevices;
beforeAll(async () => {
  w = await nodeDevices(
    [
      `CREATE TABLE kept (id bigint PRIMARY KEY, title text)`,
      `CREATE TABLE doomed (id bigint PRIMARY KEY, title text)`,
      `INSERT INTO doomed VALUES (1, 'x')`,
    ],
    ['kept', 'doomed', 'missing'],
  );
});
afterAll(() => w.close());

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e as { code?: string }).code,
  );

/**
 * Pushes a plan as a device with schema access does (`Database.dropTable` stays local for now):
 * the server's commit then says the table was dropped.
 */
async function pushAsAdmin(plan: ExecutionPlan): Promise<unknown> {
  const ws = new WebSocket(w.server.url);
  try {
    return await new Promise((resolve, reject) => {
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: 'tok-admin', since: null })),
      );
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string };
        if (m.type === 'welcome')
          ws.send(
            JSON.stringify({ type: 'push', id: randomUUID(), basis: null, plan: encodePlan(plan) }),
          );
        else if (m.type === 'accepted' || m.type === 'refused') resolve(m);
      });
      ws.on('error', reject);
    });
  } finally {
    ws.close();
  }
}

test('a table dropped on the server is dropped on a device that follows it, which keeps syncing', async () => {
  const admin = await w.device('tok-admin', ['kept']);
  const b = await w.device('tok-b', ['kept', 'doomed']);
  expect(b.tableNames().sort()).toEqual(['doomed', 'kept']);
  expect(
    await pushAsAdmin({ version: PLAN_VERSION, steps: [{ kind: 'dropTable', table: 'doomed' }] }),
  ).toMatchObject({ type: 'accepted' });
  const kept = await admin.table('kept');
  kept.insert({ id: 1, title: 'after the drop' });
  await kept.push();
  await synced(admin);
  // b's rounds report the table it syncs and the server no longer has, and take in the rest.
  expect(await outcome(b.sync())).toBe('unknown_table');
  expect(b.tableNames()).toEqual(['kept']);
  expect(await rowsOf(b, 'kept')).toEqual([{ id: 1, title: 'after the drop' }]);
});

test('a dropped table with pending edits, and a push of it the server refuses: dropped, the outbox empties', async () => {
  await w.pool.query(`CREATE TABLE doomed (id bigint PRIMARY KEY, title text)`);
  await w.pool.query(`INSERT INTO doomed VALUES (1, 'x')`);
  const b = await w.device('tok-b', ['kept', 'doomed']);
  const doomed = await b.table('doomed');
  b.pauseSync();
  doomed.set(1, 'title', 'pushed offline');
  await b.push();
  doomed.set(1, 'title', 'pending');
  expect(
    await pushAsAdmin({ version: PLAN_VERSION, steps: [{ kind: 'dropTable', table: 'doomed' }] }),
  ).toMatchObject({ type: 'accepted' });
  b.resumeSync();
  expect(await outcome(b.sync())).toBe('unknown_table');
  expect(b.tableNames()).toEqual(['kept']);
  expect(b.syncStatus).toMatchObject({ outbox: 0 });
});

test('a synced table missing on the server holds up none of the others', async () => {
  const c = await w.device('tok-admin', ['kept']);
  // A new device syncing a table the server does not have loads the others and follows them.
  const e = await nodeDatabase(new MemoryStorage(), 'missing-one');
  try {
    e.startSync({ url: w.server.url, token: 'tok-b', tables: ['kept', 'missing'] });
    expect(await outcome(e.sync())).toBe('unknown_table');
    expect(e.tableNames()).toEqual(['kept']);
    expect(e.syncStatus?.error?.code).toBe('unknown_table');
    const kept = await c.table('kept');
    kept.insert({ id: 2, title: 'later' });
    await kept.push();
    await synced(c);
    expect(await outcome(e.sync())).toBe('unknown_table');
    expect(await rowsOf(e, 'kept')).toEqual(await rowsOf(c, 'kept'));
  } finally {
    await e.close();
  }
});
