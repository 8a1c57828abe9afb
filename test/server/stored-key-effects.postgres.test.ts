import '../support/node-sync-globals';
import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';

// Commit effects name rows by their keys as PostgreSQL stored them (a NUMERIC(6,2) key sent as
// 2.555 is 2.56, an integer key sent as '1' is 1), so that every device finds the rows it holds;
// the pushing device's own copy, held by the key it sent, is replaced, not kept beside.

let pool: pg.Pool;
let server: ListeningSyncServer;
const devices: Database[] = [];
const TOKENS = { 'tok-a': { user: 'a', device: 'a' }, 'tok-b': { user: 'b', device: 'b' } };

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 6 });
  await pool.query(`CREATE TABLE nk (price numeric(6,2) PRIMARY KEY, title text)`);
  await pool.query(`CREATE TABLE ik (id bigint PRIMARY KEY, title text)`);
  server = await createSyncServer({ pool, authenticate: TOKENS, tables: ['nk', 'ik'] }).listen();
});
afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await server.close();
  await pool.end();
});

let n = 0;
async function device(token: string, tables: string[]): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), `ske-${++n}`);
  db.startSync({ url: server.url, token, tables });
  devices.push(db);
  await db.sync();
  return db;
}

/** Syncs until the device has taken in every commit so far (its own come back after a push). */
async function settle(db: Database): Promise<void> {
  await db.sync();
  await new Promise((r) => setTimeout(r, 200));
  await db.sync();
}

/** PostgreSQL's rows, as a device holds them. */
async function truth(): Promise<unknown[]> {
  const { rows } = await pool.query<{ price: string; title: string }>(
    'SELECT price::text, title FROM nk ORDER BY nk.price',
  );
  return rows.map((r) => ({ price: Number(r.price), title: r.title }));
}

const prices = async (db: Database): Promise<unknown[]> =>
  (await db.query('SELECT price, title FROM nk ORDER BY price')).objects();

test('NUMERIC(6,2) keys inserted and re-keyed with more decimals: every device ends with PostgreSQL’s rows, once', async () => {
  // Cents, and values PostgreSQL rounds: the key a device sends is not always the one stored.
  const price = fc
    .integer({ min: 1, max: 99_999 })
    .map((m) => m / 1000)
    .filter((p) => p < 9999);
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(price, { minLength: 1, maxLength: 4, selector: (p) => Math.round(p * 100) }),
      fc.uniqueArray(price, { minLength: 0, maxLength: 4, selector: (p) => Math.round(p * 100) }),
      async (inserts, moves) => {
        await pool.query('DELETE FROM nk');
        const a = await device('tok-a', ['nk']);
        const b = await device('tok-b', ['nk']);
        const ta = await a.table('nk');
        for (const p of inserts) ta.insert({ price: p, title: `t${p}` });
        await ta.push();
        await settle(a);
        // a's table holds its rows by the keys PostgreSQL stored, once each.
        expect(ta.table().orderby('price').objects()).toEqual(await truth());
        // Re-key rows (as a holds them now) to keys no row has once stored.
        const held = (await prices(a)) as { price: number }[];
        const taken = new Set(held.map((r) => Math.round(r.price * 100)));
        const targets = moves.filter((p) => !taken.has(Math.round(p * 100)));
        targets.forEach((p, i) => {
          const row = held[i];
          if (row) ta.set(row.price as never, 'price', p);
        });
        await ta.push();
        await settle(a);
        await settle(b);
        // (Its table after a re-key of its own is the device's business: SQLite's rows here.)
        expect(await prices(a)).toEqual(await truth());
        expect(await prices(b)).toEqual(await truth());
        await a.close();
        await b.close();
      },
    ),
    {
      numRuns: 8,
      examples: [
        [[2.555, 0.001], [3.333]],
        [[0.001, 1.995], [99.995]],
      ],
    },
  );
}, 120_000);

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

test('keys sent as text of an integer, and an insert naming no key: effects name the rows as stored', async () => {
  await pool.query(`INSERT INTO ik VALUES (1, 'one'), (2, 'two')`);
  const { device: a } = await SyncDevice.connect(server.url, 'tok-a');
  const answers = [
    await a.push(
      plan({
        kind: 'update',
        table: 'ik',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [['2']],
        set: ['title'],
        types: ['TEXT'],
        values: [['TWO']],
        count: 1,
        guard: null,
      }),
    ),
    await a.push(
      plan({
        kind: 'delete',
        table: 'ik',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [['1']],
        count: 1,
        guard: null,
      }),
    ),
    await a.push(
      plan({
        kind: 'insert',
        table: 'ik',
        key: [],
        keyTypes: [],
        columns: ['id', 'title'],
        types: ['INTEGER', 'TEXT'],
        values: [[10], ['ten']],
        count: 1,
      }),
    ),
  ];
  for (const answer of answers) expect(answer).toMatchObject({ type: 'accepted' });
  await a.commitAtLeast(answers[2]!['seq'] as number);
  const effects = a.commits().map((c) => c.effects[0]!);
  a.close();
  expect(effects[0]!.upserts).toMatchObject({ values: [[2], ['TWO']], priorKeys: [[2]] });
  expect(effects[1]!.deleted.keys).toEqual([[1]]);
  expect(effects[2]!.upserts).toMatchObject({ values: [[10], ['ten']], priorKeys: [[10]] });
});
