import {
  nodePostgresRunner,
  type NodePostgresClient,
  type RunStatement,
} from '../postgres/postgres-client';

/** A notification of `LISTEN`, as node-postgres gives it. */
export interface SyncNotification {
  readonly channel: string;
  readonly payload?: string | undefined;
}

/** A connection checked out of a {@link SyncPool}: a node-postgres `PoolClient`. */
export interface SyncPoolClient extends NodePostgresClient {
  /** Returns the connection to the pool; `true` (or an error) destroys it instead. */
  release(destroy?: boolean | Error): void;
  on(event: 'notification', listener: (message: SyncNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * What the sync server needs of PostgreSQL: a node-postgres `Pool` (`new pg.Pool({ connectionString })`).
 * Each push and each load holds one connection for its transaction; one more listens for commits.
 */
export interface SyncPool {
  connect(): Promise<SyncPoolClient>;
}

/**
 * Runs `body` on a connection of the pool and gives it back; a connection whose statement failed
 * is destroyed rather than reused (it may be in an aborted transaction, or broken).
 */
export async function withClient<T>(
  pool: SyncPool,
  body: (run: RunStatement, client: SyncPoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let ok = false;
  try {
    const out = await body(nodePostgresRunner(client), client);
    ok = true;
    return out;
  } finally {
    client.release(!ok);
  }
}
