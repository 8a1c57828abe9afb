import { afterEach, expect, inject, test } from 'vitest';
import { openDatabase, type Database } from '../../src/index';

/*
 * The browser's own word on its network (`offline` and `online` events): a WebSocket can stay
 * half-open for minutes after the network goes, so the device goes offline when the browser
 * says so, keeps its pushes in the outbox, and connects again as soon as it is back.
 */

const url = inject('syncUrl');
const open: Database[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

const unique = (what: string): string => `${what}-${Math.random().toString(36).slice(2)}`;

test('the browser going offline closes the connection at once and pushes wait; back online, they are sent', async () => {
  const db = await openDatabase(unique('network'), {
    sync: { url, token: 'token-a', tables: ['network_notes'] },
  });
  open.push(db);
  await db.sync();
  expect(db.syncStatus?.state).toBe('online');

  window.dispatchEvent(new Event('offline'));
  expect(db.syncStatus).toMatchObject({ state: 'offline', error: { code: 'offline' } });
  const t = await db.table('network_notes');
  t.insert({ id: 1, title: 'written offline' });
  await db.push();
  // No reconnect while the browser says it is offline: the push waits. (The old code stayed
  // online through the event: its socket never learned that the network was gone.)
  await new Promise((r) => setTimeout(r, 1_500));
  expect(db.syncStatus).toMatchObject({ state: 'offline', outbox: 1 });

  window.dispatchEvent(new Event('online'));
  await expect
    .poll(() => db.syncStatus, { timeout: 15_000 })
    .toMatchObject({
      state: 'online',
      outbox: 0,
    });
  const server = await openDatabase(unique('network-b'), {
    sync: { url, token: 'token-b', tables: ['network_notes'] },
  });
  open.push(server);
  await server.sync();
  await expect
    .poll(async () => (await server.table('network_notes')).table().objects(), { timeout: 15_000 })
    .toEqual([{ id: 1, title: 'written offline' }]);
});
