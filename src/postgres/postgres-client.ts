import type { PostgresValue } from '../dialect/postgres/postgres-types';

/** Rows as arrays of values, as the driver returns them. */
type ArrayRows = { readonly rows: readonly (readonly unknown[])[] };

/**
 * A node-postgres (`pg`) `Client` or `PoolClient`: one connection, so that the push's statements
 * all run in its one transaction. (A `Pool` would spread them over connections: check a client
 * out with `pool.connect()`, and release it after.)
 */
export interface NodePostgresClient {
  query(config: {
    text: string;
    values: PostgresValue[];
    rowMode?: 'array';
    name?: string;
    queryMode?: 'extended';
  }): Promise<ArrayRows>;
  query(text: string, values: PostgresValue[]): Promise<unknown>;
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

/**
 * Runs one statement, returning its rows as arrays. `discard`: the caller needs no rows (a write
 * without RETURNING), so none are returned. `name`: a write the connection may keep prepared
 * under that name (see `statementName`); a connection that cannot ignores it.
 */
export type RunStatement = (
  sql: string,
  parameters: PostgresValue[],
  discard?: boolean,
  name?: string,
) => Promise<readonly (readonly unknown[])[]>;

const NO_ROWS: readonly (readonly unknown[])[] = Object.freeze([]);

/**
 * Runs statements on one node-postgres connection, each as ONE statement: always the extended
 * protocol, which refuses a text of several. Without parameters node-postgres would send the
 * simple protocol, which runs every statement of the text: a CHECK expression of a plan that
 * PostgreSQL reads otherwise than the checks did could then run statements of its own.
 *
 * A statement with parameters whose rows are discarded is sent as `query(text, values)` (the
 * extended protocol already): node-postgres copies a query config object, property descriptors
 * and all, on every call, which over loopback was ~10% of a one-row write's time (a CPU profile of
 * 30,000 writes).
 */
export function nodePostgresRunner(client: NodePostgresClient): RunStatement {
  // Not async functions: a write costs one promise of the driver's and one here, no more.
  return (text, values, discard, name) =>
    !discard
      ? client.query({ text, values, rowMode: 'array', queryMode: 'extended' }).then(rowsOf)
      : name
        ? client.query({ name, text, values }).then(noRows)
        : values.length
          ? client.query(text, values).then(noRows)
          : client.query({ text, values, queryMode: 'extended' }).then(noRows);
}

/**
 * Runs constant statements of the library's own (a transaction's settings) in one round trip:
 * the simple protocol, which takes several. Never text from a plan or a device.
 */
export async function runScript(
  client: NodePostgresClient,
  statements: readonly string[],
): Promise<void> {
  await client.query(statements.join(';\n'), []);
}

const noRows = (): readonly (readonly unknown[])[] => NO_ROWS;
const rowsOf = (result: ArrayRows): readonly (readonly unknown[])[] => result.rows;

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
  const run = nodePostgresRunner(client as NodePostgresClient);
  try {
    await runScript(client as NodePostgresClient, begin);
    const out = await body(run);
    await run('COMMIT', [], true);
    return out;
  } catch (e) {
    try {
      await run('ROLLBACK', [], true);
    } catch {
      // The connection is gone: the server rolls the transaction back with it.
    }
    throw e;
  }
}
