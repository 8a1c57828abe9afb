import '../support/node-sync-globals';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/*
 * `db.sync()` is a round with the server: it resolves once the device has taken in every commit
 * the server had when it was called, not only those the device had heard of. So once one
 * device's sync() resolved (its push is in the server's log), another device's sync() brings it.
 */

const TABLE = 'round_notes';
let pool: pg.Pool;
let server: ListeningSyncServer;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 4 });
  await pool.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, title text)`);
  server = await createSyncServer({
    pool,
    authenticate: { 'tok-a': { user: 'a', device: 'a' }, 'tok-b': { user: 'b', device: 'b' } },
    tables: [TABLE],
  }).listen({ port: 0 });
});

afterAll(async () => {
  await server?.close();
  await pool?.end();
});

async function device(name: string, token: string) {
  const db = await nodeDatabase(new MemoryStorage(), name);
  db.startSync({ url: server.url, token, tables: [TABLE] });
  await db.sync();
  return db;
}

test('after one device’s sync() resolved, another device’s sync() brings its pushes, every time', async () => {
  const a = await device('round-a', 'tok-a');
  const b = await device('round-b', 'tok-b');
  try {
    const ta = await a.table(TABLE);
    const tb = await b.table(TABLE);
    for (let i = 1; i <= 30; i++) {
      await ta.insert({ id: i, title: `t${i}` }).push();
      await a.sync();
      await b.sync();
      expect(tb.has(i), `row ${i} after b.sync()`).toBe(true);
      expect(b.syncStatus?.serverSeq).toBe(a.syncStatus?.serverSeq);
    }
  } finally {
    await a.close();
    await b.close();
  }
});
