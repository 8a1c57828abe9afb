/*
 * A sync server as its own process, for the tests that run several (test/server/*): bundled by
 * test/support/sync-server-process.ts and run with `node`. Configured by the environment:
 * DATABASE_URL, SYNC_TOKENS (JSON: token -> { user, device }), SYNC_TABLES (JSON list), and, to
 * inject a fault, SYNC_COMMIT_DELAY_MS: every COMMIT waits that long before it is sent and again
 * after it returns, so that a test can kill the process in the middle of a push. Prints
 * `listening <url>` once it takes connections.
 */
import pg from 'pg';
import { createSyncServer } from '../../../src/server';
import type { SyncPool, SyncPoolClient } from '../../../src/server';
import { queryCall, type QueryConfig } from '../query-call';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const delay = Number(process.env['SYNC_COMMIT_DELAY_MS'] ?? 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 8 });

/** The pool, its connections' COMMITs slowed down when a fault is asked for. */
const syncPool: SyncPool = delay
  ? {
      async connect() {
        const client = await pool.connect();
        const query = client.query.bind(client) as (
          config: string | QueryConfig,
          values?: QueryConfig['values'],
        ) => Promise<unknown>;
        const slowed = async (config: string | QueryConfig, values?: QueryConfig['values']) => {
          if (queryCall(config, values).text !== 'COMMIT') return query(config, values);
          await sleep(delay);
          const out = await query(config, values);
          await sleep(delay);
          return out;
        };
        return Object.assign(client, { query: slowed }) as unknown as SyncPoolClient;
      },
    }
  : pool;

const sync = createSyncServer({
  pool: syncPool,
  authenticate: JSON.parse(env('SYNC_TOKENS')) as Record<string, { user: string; device: string }>,
  tables: JSON.parse(env('SYNC_TABLES')) as string[],
});
const { url } = await sync.listen({ port: 0 });
process.stdout.write(`listening ${url}\n`);
