import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import type { SyncPool, SyncPoolClient } from '../../src/server';
import type { PlanStep } from '../../src/plan/execution-plan';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';
import { queryCall, type QueryConfig } from '../support/query-call';

/*
 * A device receives every commit once, in order, without a gap, whatever a read of the log
 * returns: a read that misses a commit the next one already shows (a commit not yet visible to
 * this process), or that returns a commit twice. The faults are injected into the reads of the
 * log of one server; the pushes go through another, on the same database.
 */

const RUNS = Number(process.env['SYNC_FEED_FAULT_RUNS'] ?? 6);
const TOKENS = {
  'tok-w': { user: 'w', device: 'w' },
  'tok-p': { user: 'p', device: 'p' },
  'tok-q': { user: 'q', device: 'q' },
};

type Fault = { kind: 'none' } | { kind: 'gap' | 'twice'; at: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constantFrom('gap' as const, 'twice' as const), at: fc.nat(40) }),
);

/** Applies `fault` to the rows a read of the log returned. */
function faulty(rows: unknown[][], fault: Fault): unknown[][] {
  if (fault.kind === 'none' || rows.length < 2) return rows;
  const at = fault.at % rows.length;
  if (fault.kind === 'gap') {
    // Not the last row: a commit is missing only when a later one shows.
    const missing = Math.min(at, rows.length - 2);
    return rows.filter((_, i) => i !== missing);
  }
  return [...rows.slice(0, at + 1), rows[at]!, ...rows.slice(at + 1)];
}

const isLogRead = (text: string): boolean => /FROM pandalchemy_commits WHERE seq >/.test(text);

/** `query()` in either of node-postgres' forms. */
type Query = (
  config: string | QueryConfig,
  values?: QueryConfig['values'],
) => Promise<{ rows: unknown[][] }>;

/** A pool whose reads of the commit log take their faults, in turn, from `faults()`. */
function faultyPool(pool: pg.Pool, faults: () => Fault): SyncPool {
  // A connection comes back from the pool with its faulty query: wrap the original only once.
  const originals = new WeakMap<object, Query>();
  return {
    async connect() {
      const client = await pool.connect();
      const query = originals.get(client) ?? (client.query.bind(client) as Query);
      originals.set(client, query);
      const read: Query = async (config, values) => {
        const out = await query(config, values);
        if (!isLogRead(queryCall(config, values).text)) return out;
        return { ...out, rows: faulty(out.rows, faults()) };
      };
      return Object.assign(client, { query: read }) as unknown as SyncPoolClient;
    },
  };
}

const insertRow = (id: number): PlanStep => ({
  kind: 'insert',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  columns: ['id'],
  types: ['INTEGER'],
  values: [[id]],
  count: 1,
});

let url: string;
let pool: pg.Pool;
/** The faulty server's own: its connections keep the faulty reads. */
let faultyBase: pg.Pool;
let clean: ListeningSyncServer;
let faultyServer: ListeningSyncServer;
let schedule: Fault[] = [];

beforeAll(async () => {
  url = await freshPostgresUrl();
  pool = new pg.Pool({ connectionString: url, max: 6 });
  await pool.query('CREATE TABLE items (id bigint PRIMARY KEY)');
  clean = await createSyncServer({ pool, authenticate: TOKENS, tables: ['items'] }).listen();
  faultyBase = new pg.Pool({ connectionString: url, max: 4 });
  const faults = faultyPool(faultyBase, () => schedule.shift() ?? { kind: 'none' });
  faultyServer = await createSyncServer({
    pool: faults,
    authenticate: TOKENS,
    tables: ['items'],
  }).listen();
});

afterAll(async () => {
  await faultyServer?.close();
  await clean?.close();
  await faultyBase?.end();
  await pool?.end();
});

const head = async (): Promise<number> =>
  Number(
    (await pool.query('SELECT coalesce(max(seq), 0)::int AS n FROM pandalchemy_commits')).rows[0].n,
  );

let nextId = 1;

test('a device gets every commit once and in order when reads of the log miss a commit or repeat one', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(faultArb, { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 2, max: 12 }),
      async (faults, pushes) => {
        schedule = [...faults];
        const from = await head();
        // One device follows live, one catches up from the start of the log afterwards.
        const { device: live } = await SyncDevice.connect(faultyServer.url, 'tok-w', from);
        const writers = await Promise.all(
          ['tok-p', 'tok-q'].map(async (t) => (await SyncDevice.connect(clean.url, t)).device),
        );
        await Promise.all(
          writers.map(async (w) => {
            for (let i = 0; i < pushes; i++) {
              const answer = await w.push({ version: 2, steps: [insertRow(nextId++)] });
              expect(answer.type).toBe('accepted');
            }
          }),
        );
        const to = await head();
        await live.commitAtLeast(to);
        schedule = [...faults];
        const { device: late } = await SyncDevice.connect(faultyServer.url, 'tok-w', 0);
        await late.commitAtLeast(to);
        const expected = (a: number, b: number): number[] =>
          Array.from({ length: b - a }, (_, i) => a + i + 1);
        expect(live.commits().map((c) => c.seq)).toEqual(expected(from, to));
        expect(late.commits().map((c) => c.seq)).toEqual(expected(0, to));
        for (const d of [live, late, ...writers]) d.close();
      },
    ),
    { numRuns: RUNS, endOnFailure: true },
  );
});

test('a server started over a log of more than nine commits sends a device catching up every commit in order', async () => {
  const { device: writer } = await SyncDevice.connect(clean.url, 'tok-p');
  while ((await head()) < 25) {
    const answer = await writer.push({ version: 2, steps: [insertRow(nextId++)] });
    expect(answer.type).toBe('accepted');
  }
  writer.close();
  const to = await head();
  // A new server reads the log from PostgreSQL: commits 1 to 25 in one read, in order.
  const fresh = await createSyncServer({ pool, authenticate: TOKENS, tables: ['items'] }).listen();
  try {
    const { device } = await SyncDevice.connect(fresh.url, 'tok-w', 0);
    await device.commitAtLeast(to);
    expect(device.commits().map((c) => c.seq)).toEqual(Array.from({ length: to }, (_, i) => i + 1));
    device.close();
  } finally {
    await fresh.close();
  }
});
