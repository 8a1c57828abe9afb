import { afterEach, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { openDatabase, type Database, type RefusedPush } from '../../src/index';

/*
 * Nothing lost, nothing applied twice: a server that stops and starts again in the middle of a
 * device's uploads, and a device closed in the middle of its own, on a server of the test's own
 * (the other files' server stays up).
 */

declare module 'vitest/browser' {
  interface BrowserCommands {
    startSyncServer(): Promise<string>;
    restartSyncServer(url: string): Promise<void>;
  }
}

const TABLE = 'restart_notes';
const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

const unique = (what: string): string => `${what}-${Math.random().toString(36).slice(2)}`;

async function device(name: string, url: string, token: string): Promise<Database> {
  const db = await openDatabase(name, { sync: { url, token, tables: [TABLE] } });
  open.push(db);
  return db;
}

/** `db.sync()`, again while the server is away (it rejects with `offline` then). */
async function syncThrough(db: Database): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.sync();
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'offline' || attempt >= 40) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 2000) throw new Error('waited 20 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function pushOffline(db: Database, ids: readonly number[]): Promise<void> {
  db.pauseSync();
  const t = await db.table(TABLE);
  for (const id of ids) {
    t.insert({ id, title: `r${id}` });
    await db.push();
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('a server restarted, and a device closed, in the middle of uploads: every push lands once, none is refused', async () => {
  const url = await commands.startSyncServer();
  const name = unique('restart-a');
  const a = await device(name, url, 'token-a');
  await a.sync();
  const refused: RefusedPush[] = [];
  a.on('refused', (r) => refused.push(r));

  // The server goes away after some of 20 pushes are answered, and comes back.
  await pushOffline(a, range(1, 20));
  a.resumeSync();
  await until(() => (a.syncStatus?.outbox ?? 20) <= 15);
  await commands.restartSyncServer(url);
  await syncThrough(a);
  expect(a.syncStatus).toMatchObject({ state: 'online', outbox: 0 });

  // The device closes after some of 20 more are answered, and opens again.
  await pushOffline(a, range(21, 40));
  a.resumeSync();
  await until(() => (a.syncStatus?.outbox ?? 20) <= 15);
  await a.close();
  open.splice(open.indexOf(a), 1);
  const again = await device(name, url, 'token-a');
  again.on('refused', (r) => refused.push(r));
  await syncThrough(again);
  expect(again.syncStatus).toMatchObject({ state: 'online', outbox: 0 });

  // A push applied twice would be an insert of a key that exists: refused as a constraint.
  expect(refused).toEqual([]);
  const expected = range(1, 40).map((id) => ({ id, title: `r${id}` }));
  const b = await device(unique('restart-b'), url, 'token-b');
  await syncThrough(b);
  expect((await b.table(TABLE)).table().orderby('id').objects()).toEqual(expected);
  expect((await again.table(TABLE)).table().orderby('id').objects()).toEqual(expected);
});
