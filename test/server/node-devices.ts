import '../support/node-sync-globals';
import pg from 'pg';
import type { Database } from '../../src/db/database';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import type { SyncLimits } from '../../src/server/sync-server-context';
import type { Authorize } from '../../src/server/authenticate';
import { MemoryStorage, nodeDatabase } from '../support/node-database';
import { freshPostgresUrl } from '../support/postgres-database';

/** Node devices syncing with a real server over a database of their own (one per test file). */
export interface NodeDevices {
  readonly pool: pg.Pool;
  readonly server: ListeningSyncServer;
  /** A device syncing `tables`, after its first round (`storage` and `name` reopen one). */
  device(
    token: string,
    tables: string[],
    storage?: MemoryStorage,
    name?: string,
  ): Promise<Database>;
  /** Closes a device opened by `device` (its storage can open it again). */
  closeDevice(db: Database): Promise<void>;
  close(): Promise<void>;
}

/** Tokens of the devices: `tok-<x>` is device `<x>` of user `u<x>`; `tok-admin` may change schema. */
const TOKENS = Object.fromEntries(
  ['a', 'b', 'c', 'admin'].map((d) => [`tok-${d}`, { user: `u${d}`, device: d }]),
);

let counter = 0;

export async function nodeDevices(
  setup: readonly string[],
  tables: readonly string[],
  options: { authorize?: Authorize; limits?: Partial<SyncLimits> } = {},
): Promise<NodeDevices> {
  const pool = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 6 });
  for (const sql of setup) await pool.query(sql);
  const server = await createSyncServer({
    pool,
    authenticate: TOKENS,
    authorize:
      options.authorize ?? ((who, _t, access) => access !== 'schema' || who.device === 'admin'),
    tables: [...tables],
    ...(options.limits ? { limits: options.limits } : {}),
  }).listen({ port: 0 });
  const open = new Set<Database>();
  return {
    pool,
    server,
    async device(token, synced, storage = new MemoryStorage(), name) {
      const db = await nodeDatabase(storage, name ?? `device-${++counter}-${token}`);
      open.add(db);
      db.startSync({ url: server.url, token, tables: synced });
      await withTimeout(db.sync(), 30_000, `the first sync of ${token}`);
      return db;
    },
    async closeDevice(db) {
      open.delete(db);
      await db.close();
    },
    async close() {
      for (const db of open) await db.close().catch(() => undefined);
      await server.close();
      await pool.end();
    },
  };
}

/** `p`, or a rejection saying `what` did not end in `ms`: a hang fails the test, not the run. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no end in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `db.sync()`, failing after 20 s with the status it was stuck in. */
export const synced = (db: Database): Promise<unknown> =>
  withTimeout(db.sync(), 20_000, `sync ${JSON.stringify(db.syncStatus)}`);

/** A table's rows on a device, by id. */
export async function rowsOf(db: Database, table: string): Promise<unknown[]> {
  return (await db.query(`SELECT * FROM "${table}" ORDER BY id`)).objects();
}
