import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import type { SyncLimits } from '../../src/server/sync-server-context';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';

// A load holds a pooled connection while the device's socket takes its chunks: a device that asks
// for loads and stops reading must not hold the connections pushes need.

let url: string;
const pools: pg.Pool[] = [];
const servers: ListeningSyncServer[] = [];
const sockets: WebSocket[] = [];
beforeAll(async () => {
  url = await freshPostgresUrl();
  const db = new pg.Pool({ connectionString: url, max: 1 });
  await db.query(`CREATE TABLE items (id bigint PRIMARY KEY, t text)`);
  // Some 8 MB: more than the socket buffers of a device that does not read take.
  await db.query(`INSERT INTO items SELECT g, repeat('x', 2000) FROM generate_series(1, 4000) g`);
  await db.end();
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const s of servers) await s.close();
  for (const p of pools) await p.end();
});

async function serve(limits: Partial<SyncLimits> = {}): Promise<ListeningSyncServer> {
  // A small pool of its own: four connections, one of them the feed's LISTEN.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pools.push(pool);
  const server = await createSyncServer({
    pool,
    authenticate: (token) => ({ user: token, device: token }),
    tables: ['items'],
    limits,
  }).listen();
  servers.push(server);
  return server;
}

/** A device that asks for `loads` loads of items, then stops reading its socket. */
async function stuckDevice(url: string, token: string, loads: number): Promise<WebSocket> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', protocol: 1, token, since: null }));
  await new Promise((r) => ws.once('message', r));
  for (let i = 0; i < loads; i++)
    ws.send(JSON.stringify({ type: 'load', id: `l${i}`, table: 'items' }));
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  // The server fills the socket's buffers, then waits.
  await new Promise((r) => setTimeout(r, 1000));
  return ws;
}

const insert = (id: number): ExecutionPlan => ({
  version: 2,
  steps: [
    {
      kind: 'insert',
      table: 'items',
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns: ['id', 't'],
      types: ['INTEGER', 'TEXT'],
      values: [[id], ['honest']],
      count: 1,
    },
  ],
});

/** The answer to a push, or 'none' when there is none in `ms`. */
async function pushWithin(device: SyncDevice, plan: ExecutionPlan, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const none = new Promise((r) => (timer = setTimeout(() => r('none'), ms)));
  try {
    return await Promise.race([device.push(plan), none]);
  } finally {
    clearTimeout(timer);
  }
}

test('a device asking for 10 loads and not reading them: another device pushes at once', async () => {
  const server = await serve();
  await stuckDevice(server.url, 'h', 10);
  const { device } = await SyncDevice.connect(server.url, 'a');
  expect(await pushWithin(device, insert(100_001), 5000)).toMatchObject({ type: 'accepted' });
  device.close();
}, 30_000);

test('loads over the connection’s one and the server’s maxLoads are answered busy', async () => {
  const server = await serve({ maxLoads: 2 });
  const { device } = await SyncDevice.connect(server.url, 'r');
  device.send({ type: 'load', id: 'x1', table: 'items' });
  device.send({ type: 'load', id: 'x2', table: 'items' });
  expect(await device.next((m) => m.type === 'loadFailed' && m['id'] === 'x2')).toMatchObject({
    error: { code: 'busy' },
  });
  await device.next((m) => m.type === 'loaded' && m['id'] === 'x1');
  await stuckDevice(server.url, 'h1', 1);
  await stuckDevice(server.url, 'h2', 1);
  device.send({ type: 'load', id: 'x3', table: 'items' });
  expect(await device.next((m) => m['id'] === 'x3')).toMatchObject({
    type: 'loadFailed',
    error: { code: 'busy' },
  });
  expect(await pushWithin(device, insert(100_002), 5000)).toMatchObject({ type: 'accepted' });
  device.close();
}, 30_000);

test('a load the device does not read within loadStallMs ends its connection and frees its slot', async () => {
  const server = await serve({ maxLoads: 1, loadStallMs: 1500 });
  await stuckDevice(server.url, 'h', 1);
  const { device } = await SyncDevice.connect(server.url, 'r');
  const load = async (id: string): Promise<Record<string, unknown>> => {
    device.send({ type: 'load', id, table: 'items' });
    return device.next((m) => m['id'] === id && m.type !== 'table' && m.type !== 'rows', 20_000);
  };
  // The stuck device holds the one slot.
  expect(await load('before')).toMatchObject({ type: 'loadFailed', error: { code: 'busy' } });
  let answer = await load('after-0');
  for (let i = 1; answer.type === 'loadFailed' && i < 30; i++) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await load(`after-${i}`);
  }
  expect(answer).toMatchObject({ type: 'loaded' });
  device.close();
}, 30_000);
