import type { PostgresValue } from '../dialect/postgres/postgres-types';

/** Rows as arrays of values, as the driver returns them. */
type ArrayRows = { readonly rows: readonly (readonly unknown[])[] };

/**
 * A node-postgres (`pg`) `Client` or `PoolClient`: one connection, so that the push's statements
 * all run in its one transaction. (A `Pool` would spread them over connections: check a client
 * out with `pool.connect()`, and release it after.)
 */
export interface NodePostgresClient {
  query(config: { text: string; values: PostgresValue[]; rowMode: 'array' }): Promise<ArrayRows>;
}

/** What `applyPlan` uses of a PGlite transaction. */
export interface PGliteTransaction {
  query(sql: string, params: PostgresValue[], options: { rowMode: 'array' }): Promise<ArrayRows>;
}

/**
 * A PGlite database (`@electric-sql/pglite`). The push runs in `transaction()`, which holds
 * PGlite's lock, so no other query of the app runs inside it.
 */
export interface PGliteClient {
  readonly waitReady: Promise<void>;
  transaction<T>(callback: (tx: PGliteTransaction) => Promise<T>): Promise<T>;
}

/** A connection `applyPlan` can push to: node-postgres or PGlite. */
export type PostgresClient = NodePostgresClient | PGliteClient;

/** Runs one statement, returning its rows as arrays. */
export type RunStatement = (
  sql: string,
  parameters: PostgresValue[],
) => Promise<readonly (readonly unknown[])[]>;

/**
 * Runs `body` in one transaction of `client`: `begin` (the transaction's settings; `BEGIN` itself
 * is left to PGlite, which opens its own), then `COMMIT`; on any failure `ROLLBACK` and the
 * failure rethrown, so the database is exactly as before.
 */
export async function inTransaction<T>(
  client: PostgresClient,
  begin: readonly string[],
  body: (run: RunStatement) => Promise<T>,
): Promise<T> {
  if ('transaction' in client && 'waitReady' in client) {
    await client.waitReady;
    return client.transaction(async (tx) => {
      const run: RunStatement = async (sql, parameters) =>
        (await tx.query(sql, parameters, { rowMode: 'array' })).rows;
      for (const sql of begin) if (sql !== 'BEGIN') await run(sql, []);
      return body(run);
    });
  }
  const pg = client as NodePostgresClient;
  const run: RunStatement = async (text, values) =>
    (await pg.query({ text, values, rowMode: 'array' })).rows;
  try {
    // One round trip: without parameters node-postgres sends the simple protocol, which takes
    // several statements.
    await pg.query({ text: begin.join(';\n'), values: [], rowMode: 'array' });
    const out = await body(run);
    await run('COMMIT', []);
    return out;
  } catch (e) {
    try {
      await run('ROLLBACK', []);
    } catch {
      // The connection is gone: the server rolls the transaction back with it.
    }
    throw e;
  }
}
