import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { SYNC_TEST_SERVERS, type SyncTestServers } from './sync-test-servers';
import { startPostgresCluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebSocket URL of the run's sync server (over its throwaway PostgreSQL cluster). */
    syncUrl: string;
    /** Sequences of the devices' model test (`SYNC_MODEL_RUNS`; more under `npm run stress`). */
    syncModelRuns: number;
    /** A failed sequence's seed (`SYNC_MODEL_SEED`), as fast-check reported it, to replay it. */
    syncModelSeed: string;
  }
}

/** The tables the device tests sync: one per test, so that tests do not see each other's rows. */
const TABLES: Record<string, string> = {
  merge_notes: 'id bigint PRIMARY KEY, title text, body text, n bigint',
  conflict_notes: 'id bigint PRIMARY KEY, title text, body text, n bigint',
  offline_notes: 'id bigint PRIMARY KEY, title text, body text, n bigint',
  refused_notes: 'id bigint PRIMARY KEY, code text UNIQUE, title text',
  reopen_notes: 'id bigint PRIMARY KEY, title text',
  tabs_notes: 'id bigint PRIMARY KEY, title text',
  model_notes: 'id bigint PRIMARY KEY, title text, n bigint',
  echo_notes: 'id bigint PRIMARY KEY, title text',
  run_notes: 'id bigint PRIMARY KEY, title text',
  behind_notes: 'id bigint PRIMARY KEY, title text',
  network_notes: 'id bigint PRIMARY KEY, title text',
  restart_notes: 'id bigint PRIMARY KEY, title text',
  upgrade_first: 'id bigint PRIMARY KEY, title text',
  upgrade_second: 'id bigint PRIMARY KEY, title text',
};

/** Device tokens: `token-a` … `token-c`, each its own device. */
export const SYNC_TOKENS = {
  'token-a': { user: 'ada', device: 'a' },
  'token-b': { user: 'bob', device: 'b' },
  'token-c': { user: 'cy', device: 'c' },
};

/**
 * The `sync` test project's global setup: a throwaway PostgreSQL cluster with the tests' tables
 * and a real sync server over it on a port chosen at run time, its URL given to the tests
 * (`inject('syncUrl')`), everything stopped and removed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  const pool = new pg.Pool({ connectionString: cluster.url, max: 8 });
  try {
    for (const [name, columns] of Object.entries(TABLES))
      await pool.query(`CREATE TABLE ${name} (${columns})`);
    const serve = (port: number): Promise<ListeningSyncServer> =>
      createSyncServer({ pool, authenticate: SYNC_TOKENS, tables: Object.keys(TABLES) }).listen({
        port,
      });
    const listening = await serve(0);
    project.provide('syncUrl', listening.url);
    project.provide('syncModelRuns', Number(process.env['SYNC_MODEL_RUNS'] ?? 3));
    project.provide('syncModelSeed', process.env['SYNC_MODEL_SEED'] ?? '');
    // Servers of their own for tests that stop and start them (the shared one stays up for the
    // other files): the browser commands of vite.config.ts reach them through this.
    const own = new Map<string, ListeningSyncServer>();
    const servers: SyncTestServers = {
      async start() {
        const s = await serve(0);
        own.set(s.url, s);
        return s.url;
      },
      async restart(url) {
        const s = own.get(url);
        if (!s) throw new Error(`no test server at ${url}`);
        await s.close();
        own.set(url, await serve(s.port));
      },
    };
    (globalThis as { [SYNC_TEST_SERVERS]?: SyncTestServers })[SYNC_TEST_SERVERS] = servers;
    return async () => {
      for (const s of own.values()) await s.close();
      await listening.close();
      await pool.end();
      cluster.stop();
    };
  } catch (e) {
    await pool.end();
    cluster.stop();
    throw e;
  }
}
