import '../support/node-sync-globals';
import * as fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import {
  MODEL_TOKENS,
  modelAction,
  runDevicesModel,
  type ModelWorld,
} from '../support/devices-model';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/*
 * The devices' model (test/support/devices-model.ts) on devices in Node: the engine on in-memory
 * storage (kept across a device's reopening), syncing over a real WebSocket with a real sync
 * server on the run's PostgreSQL cluster. Cheap enough for hundreds of sequences; the model test
 * in Chromium runs a few on real workers and IndexedDB.
 */

const RUNS = Number(process.env['SYNC_NODE_MODEL_RUNS'] ?? 200);
const SEED = process.env['SYNC_NODE_MODEL_SEED'];
const PATH = process.env['SYNC_NODE_MODEL_PATH'];
const TABLE = 'node_model_notes';
const TOKENS = Object.fromEntries(MODEL_TOKENS.map((t, i) => [t, { user: `u${i}`, device: t }]));

let pool: pg.Pool;
let server: ListeningSyncServer;

/** Small enough for the model's big edits to be over it, big enough for everything else. */
const MAX_MESSAGE_BYTES = 16 * 1024;

const serve = (port: number): Promise<ListeningSyncServer> =>
  createSyncServer({
    pool,
    authenticate: TOKENS,
    tables: [TABLE],
    limits: { maxMessageBytes: MAX_MESSAGE_BYTES },
  }).listen({ port });

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('postgresUrl'), max: 4 });
  await pool.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, title text, n bigint)`);
  server = await serve(0);
});

afterAll(async () => {
  await server?.close();
  await pool?.end();
});

let sequence = 0;

/** Three devices of one sequence, each on storage of its own; the table starts empty. */
async function world(): Promise<ModelWorld> {
  // Straight to PostgreSQL, not through the log: the devices of a sequence are all new, and
  // load the table as it is.
  await pool.query(`DELETE FROM ${TABLE}`);
  const n = ++sequence;
  const storages = MODEL_TOKENS.map(() => new MemoryStorage());
  const open = async (token: string, storage: MemoryStorage, name: string) => {
    const db = await nodeDatabase(storage, name);
    db.startSync({ url: server.url, token, tables: [TABLE] });
    return db;
  };
  return {
    table: TABLE,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    // The log in PostgreSQL is the server's only state: a new server on the same port goes on.
    async restartServer() {
      const port = server.port;
      await server.close();
      server = await serve(port);
    },
    open: (i) => open(MODEL_TOKENS[i]!, storages[i]!, `s${n}-${i}`),
    // PostgreSQL's rows, as a device shows them (bigint columns as numbers).
    truth: async () =>
      (
        await pool.query<{ id: string; title: string | null; n: string | null }>(
          `SELECT id, title, n FROM ${TABLE} ORDER BY id`,
        )
      ).rows.map((r) => ({
        id: Number(r.id),
        title: r.title,
        n: r.n === null ? null : Number(r.n),
      })),
  };
}

test(`${RUNS} sequences of three devices in Node: random edits, offline periods, reopenings and refusals all end with the server’s rows`, async () => {
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(
      fc.array(modelAction, { minLength: 5, maxLength: 20 }),
      fc.boolean(),
      async (actions, solo) => runDevicesModel(await world(), actions, solo),
    ),
    {
      numRuns: RUNS,
      endOnFailure: true,
      ...(SEED ? { seed: Number(SEED) } : {}),
      ...(PATH ? { path: PATH } : {}),
    },
  );
  expect(sequence).toBeGreaterThanOrEqual(RUNS);
  console.info(`${sequence} sequences in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 900_000);
