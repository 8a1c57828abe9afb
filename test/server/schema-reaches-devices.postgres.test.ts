import '../support/node-sync-globals';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { freshPostgresUrl } from '../support/postgres-database';

// A table's schema changed on the server, by a device with schema rights or by a migration run
// on PostgreSQL: every device follows, its rows as the server holds them, and keeps syncing.

const TABLES = ['s1', 's2', 's3', 's4', 'm1', 'm2'];

let pool: pg.Pool;
let server: ListeningSyncServer;
const devices: Database[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 4 });
  for (const t of TABLES) {
    await pool.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, title text, zip text)`);
    await pool.query(`INSERT INTO ${t} VALUES (1, 'one', '04567'), (2, 'two', '01000')`);
  }
  server = await createSyncServer({
    pool,
    authenticate: {
      'tok-admin': { user: 'root', device: 'admin' },
      'tok-b': { user: 'b', device: 'b' },
    },
    authorize: (who, _table, access) => access !== 'schema' || who.device === 'admin',
    tables: TABLES,
  }).listen({ port: 0 });
});

afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await server.close();
  await pool.end();
});

async function device(token: string, table: string): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), `schema-${token}-${devices.length}`);
  db.startSync({ url: server.url, token, tables: [table] });
  devices.push(db);
  await db.sync();
  return db;
}

/** The server's rows, its bigints as numbers (node-postgres gives them as text). */
async function serverRows(table: string): Promise<unknown[]> {
  const int8 = 20;
  const result = await pool.query({
    text: `SELECT * FROM ${table} ORDER BY id`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return result.rows;
}

/** b's rows as its SQLite holds them and as its table shows them, after two rounds. */
async function followed(b: Database, table: string): Promise<void> {
  await b.sync();
  await b.sync();
  const stored = (await b.query(`SELECT * FROM "${table}" ORDER BY id`)).objects();
  expect(stored).toEqual(await serverRows(table));
  const t = await b.table(table);
  expect(t.table().orderby('id').objects()).toEqual(stored);
  // And it keeps syncing: an edit of b reaches the server.
  t.set(2, 'title', `two from b (${table})`);
  await t.push();
  await b.sync();
  expect((await serverRows(table))[1]).toMatchObject({ title: `two from b (${table})` });
}

describe('a schema change made by a device with schema rights', () => {
  test('an added column', async () => {
    const admin = await device('tok-admin', 's1');
    const b = await device('tok-b', 's1');
    const t = await admin.table('s1');
    t.addColumn('color', { type: 'TEXT', default: 'red' });
    await t.push();
    await admin.sync();
    await followed(b, 's1');
  });

  test('a renamed column', async () => {
    const admin = await device('tok-admin', 's2');
    const b = await device('tok-b', 's2');
    const t = await admin.table('s2');
    t.renameColumn('title', 'name');
    await t.push();
    await admin.sync();
    await b.sync();
    await b.sync();
    const stored = (await b.query('SELECT * FROM s2 ORDER BY id')).objects();
    expect(stored).toEqual(await serverRows('s2'));
  });

  test('a column retyped (TEXT to INTEGER)', async () => {
    const admin = await device('tok-admin', 's3');
    const b = await device('tok-b', 's3');
    const t = await admin.table('s3');
    t.retypeColumn('zip', 'INTEGER', { invalid: 'keep' });
    await t.push();
    await admin.sync();
    await followed(b, 's3');
  });

  test('b had an unpushed edit: it is reported, and b follows', async () => {
    const admin = await device('tok-admin', 's4');
    const b = await device('tok-b', 's4');
    const tb = await b.table('s4');
    tb.set(1, 'title', 'pending on b');
    const t = await admin.table('s4');
    t.addColumn('color', { type: 'TEXT', default: 'red' });
    await t.push();
    await admin.sync();
    await b.sync();
    await b.sync();
    expect((await b.query('SELECT * FROM s4 ORDER BY id')).objects()).toEqual(
      await serverRows('s4'),
    );
  });
});

describe('a migration run on PostgreSQL', () => {
  test('a column added, then a row changed', async () => {
    const b = await device('tok-b', 'm1');
    await pool.query(`ALTER TABLE m1 ADD COLUMN extra text DEFAULT 'dflt'`);
    const admin = await device('tok-admin', 'm1');
    const t = await admin.table('m1');
    t.set(1, 'title', 'one again');
    await t.push();
    await admin.sync();
    await followed(b, 'm1');
  });

  test('a column dropped, then a row changed', async () => {
    const b = await device('tok-b', 'm2');
    await pool.query(`ALTER TABLE m2 DROP COLUMN zip`);
    const admin = await device('tok-admin', 'm2');
    const t = await admin.table('m2');
    t.set(1, 'title', 'one again');
    await t.push();
    await admin.sync();
    await followed(b, 'm2');
  });
});
