import '../support/node-sync-globals';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { freshPostgresUrl } from '../support/postgres-database';

// A device moves a row to another key and pushes: its own copy moved the row at once, and the
// server's commit then comes back with the row's key before the move. The copy must hold the row
// once, as its SQLite does.

let pool: pg.Pool;
let server: ListeningSyncServer;
const devices: Database[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 4 });
  await pool.query('CREATE TABLE rk (id bigint PRIMARY KEY, title text)');
  await pool.query(`INSERT INTO rk VALUES (2, 'two'), (3, 'three'), (20, 'twenty')`);
  server = await createSyncServer({
    pool,
    authenticate: { 'tok-b': { user: 'b', device: 'b' }, 'tok-c': { user: 'c', device: 'c' } },
    authorize: (_who, _table, access) => access !== 'schema',
    tables: ['rk'],
  }).listen({ port: 0 });
});

afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await server.close();
  await pool.end();
});

async function device(token: string): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), `echo-${token}-${devices.length}`);
  db.startSync({ url: server.url, token, tables: ['rk'] });
  devices.push(db);
  await db.sync();
  return db;
}

const stored = async (db: Database): Promise<unknown[]> =>
  (await db.query('SELECT id, title FROM rk ORDER BY id')).objects();

test('the device that moved a row holds it once after its commit comes back, and edits it after', async () => {
  const b = await device('tok-b');
  const c = await device('tok-c');
  const tb = await b.table('rk');
  tb.set(2, 'id', 5);
  tb.set(20, 'id', 21);
  await tb.push();
  await b.sync();
  await b.sync();
  expect(tb.table().orderby('id').objects()).toEqual(await stored(b));
  expect(await stored(b)).toEqual([
    { id: 3, title: 'three' },
    { id: 5, title: 'two' },
    { id: 21, title: 'twenty' },
  ]);
  tb.set(21, 'title', 'edited after the move');
  await tb.push();
  await b.sync();
  await c.sync();
  const tc = await c.table('rk');
  expect(tb.table().orderby('id').objects()).toEqual(await stored(b));
  expect(tc.table().orderby('id').objects()).toEqual(await stored(b));
  expect((await pool.query('SELECT id::int AS id, title FROM rk ORDER BY id')).rows).toEqual(
    await stored(b),
  );
});
