import { PGlite } from '@electric-sql/pglite';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { pglitePool, type PGliteDatabase } from '../../src/server/pglite-pool';
import { createSampleTables } from './sample-postgres';

/** A sync server over the playground's sample tables, in an embedded PGlite database. */
export interface SampleSyncServer extends ListeningSyncServer {
  /** The synced tables: customers, orders, stock. */
  readonly tables: readonly string[];
}

/**
 * Starts a sync server (`pandalchemy/server`) on `port` (0: any free port) over a PGlite
 * database kept in `data` (a folder: created, or opened again with its rows), with the
 * playground's sample tables created and filled on first use, and `tokens` as its devices.
 * `close()` stops the server and closes the database.
 */
export async function startSampleSyncServer(options: {
  readonly data: string;
  readonly tokens: Readonly<Record<string, { user: string; device: string }>>;
  readonly port?: number;
  readonly host?: string;
}): Promise<SampleSyncServer> {
  const db = await PGlite.create(options.data);
  try {
    const tables = await createSampleTables({
      query: (sql, params) => db.query(sql, params ?? []),
    });
    const sync = createSyncServer({
      pool: pglitePool(db as unknown as PGliteDatabase),
      authenticate: options.tokens,
      tables,
    });
    await sync.ready;
    const listening = await sync.listen({
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
    });
    return {
      ...listening,
      tables,
      async close() {
        await listening.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
