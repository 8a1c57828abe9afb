import pg from 'pg';
import { inject } from 'vitest';

let created = 0;

/**
 * A connected client on a database of its own, created empty on the run's cluster: tests (and the
 * files vitest runs side by side) never see each other's tables. `end()` closes the connection;
 * the database goes with the cluster.
 *
 * @example
 * ```ts
 * const client = await freshPostgresDatabase();
 * await client.query('CREATE TABLE t (id bigint PRIMARY KEY)');
 * await client.end();
 * ```
 */
export async function freshPostgresDatabase(): Promise<pg.Client> {
  const client = new pg.Client(await freshPostgresUrl());
  await client.connect();
  return client;
}

/** The connection string of a database of its own, created empty on the run's cluster. */
export async function freshPostgresUrl(): Promise<string> {
  const url = new URL(inject('postgresUrl'));
  const name = `t_${process.pid}_${++created}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client(url.href);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.href;
}
