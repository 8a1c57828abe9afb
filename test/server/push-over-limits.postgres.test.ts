import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RefusedPush } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { nodeDevices, rowsOf, synced, type NodeDevices } from './node-devices';

/*
 * A push the server will not take because of its limits is refused like any other push (its
 * edits pending again, a `refused` event), and the outbox goes on with the pushes after it. One
 * over `maxMessageBytes` used to be sent again and again: the server closes the connection (1009)
 * before reading it, so the device stayed offline with every later push stuck behind it.
 */

let w: NodeDevices;
beforeAll(async () => {
  w = await nodeDevices([`CREATE TABLE big (id bigint PRIMARY KEY, t text)`], ['big'], {
    limits: { maxMessageBytes: 64 * 1024, maxPlanRows: 100 },
  });
});
afterAll(() => w.close());

test('a push over maxMessageBytes is refused (too_large), and the next push goes', async () => {
  const a = await w.device('tok-a', ['big']);
  const refusals: RefusedPush[] = [];
  a.on('refused', (r) => refusals.push(r));
  const big = await a.table('big');
  big.insert({ id: 1, t: 'x'.repeat(100 * 1024) });
  await big.push();
  big.insert({ id: 2, t: 'small' });
  await big.push();
  await synced(a);
  expect(refusals.map((r) => [r.error.code, r.tables])).toEqual([['too_large', ['big']]]);
  expect(a.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
  expect((await w.pool.query('SELECT id::int FROM big ORDER BY id')).rows).toEqual([{ id: 2 }]);
  // The refused insert is pending again, over the server's rows.
  expect(big.changeCounts()).toMatchObject({ inserts: 1 });
  expect(await rowsOf(a, 'big')).toEqual([{ id: 2, t: 'small' }]);
  big.discard();
  // Later pushes still go.
  big.insert({ id: 3, t: 'after' });
  await big.push();
  await synced(a);
  expect((await w.pool.query('SELECT id::int FROM big ORDER BY id')).rows).toEqual([
    { id: 2 },
    { id: 3 },
  ]);
});

test('a push over maxPlanRows is refused (too_large), its edits pending again', async () => {
  const a = await w.device('tok-a', ['big']);
  const refusals: RefusedPush[] = [];
  a.on('refused', (r) => refusals.push(r));
  const big = await a.table('big');
  for (let i = 0; i < 150; i++) big.insert({ id: 1000 + i, t: 'r' });
  await big.push();
  await synced(a);
  expect(refusals.map((r) => r.error.code)).toEqual(['too_large']);
  expect(big.changeCounts()).toMatchObject({ inserts: 150 });
  expect(a.syncStatus).toMatchObject({ outbox: 0 });
});

/**
 * A proxy to the server whose welcomes say no limits: the device learns of `maxMessageBytes`
 * only by the connection closed (1009) on its push, as from a server that lowered it.
 */
async function proxyWithoutLimits(target: string): Promise<{ url: string; close(): void }> {
  const wss = new WebSocketServer({ port: 0, maxPayload: 1 << 24 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (device) => {
    const server = new WebSocket(target);
    const early: string[] = [];
    server.on('open', () => early.splice(0).forEach((m) => server.send(m)));
    device.on('message', (data) => {
      const text = String(data);
      if (server.readyState === WebSocket.OPEN) server.send(text);
      else early.push(text);
    });
    server.on('message', (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      if (m['type'] === 'welcome') delete m['limits'];
      device.send(JSON.stringify(m));
    });
    server.on('close', (code) => device.close(code === 1005 || code === 1006 ? 1000 : code));
    device.on('close', () => server.close());
  });
  const { port } = wss.address() as { port: number };
  const path = new URL(w.server.url).pathname;
  return { url: `ws://127.0.0.1:${port}${path}`, close: () => wss.close() };
}

test('a push the server closes the connection on (1009) is refused (too_large), and the next push goes', async () => {
  const proxy = await proxyWithoutLimits(w.server.url);
  const a = await nodeDatabase(new MemoryStorage(), 'closed-as-too-large');
  try {
    a.startSync({ url: proxy.url, token: 'tok-a', tables: ['big'] });
    await synced(a);
    const refusals: RefusedPush[] = [];
    a.on('refused', (r) => refusals.push(r));
    const big = await a.table('big');
    big.insert({ id: 10, t: 'y'.repeat(100 * 1024) });
    await big.push();
    big.insert({ id: 11, t: 'small' });
    await big.push();
    // The first round ends with the connection closed; the next one sends the rest.
    await a.sync().catch(() => undefined);
    await synced(a);
    expect(refusals.map((r) => r.error.code)).toEqual(['too_large']);
    expect(a.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
    expect((await w.pool.query('SELECT id::int FROM big WHERE id >= 10')).rows).toEqual([
      { id: 11 },
    ]);
    expect(big.changeCounts()).toMatchObject({ inserts: 1 });
  } finally {
    await a.close();
    proxy.close();
  }
});
