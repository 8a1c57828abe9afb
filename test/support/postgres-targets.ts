import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { PostgresClient } from '../../src/postgres';
import { freshPostgresDatabase } from './postgres-database';

/** A PostgreSQL database to push to, and how to read it and let it go. */
export interface PostgresTarget {
  readonly client: PostgresClient;
  /** Runs SQL outside any push (to set up, tamper or read); rows as objects. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Drops every table (the schema `public`, created anew): a fresh start, cheaper than a new database. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh database of each kind: the server (node-postgres) or PGlite. */
export type TargetName = 'server' | 'pglite';

const RESET = 'DROP SCHEMA public CASCADE; CREATE SCHEMA public';

export async function openTarget(name: TargetName): Promise<PostgresTarget> {
  if (name === 'server') {
    const client = await freshPostgresDatabase();
    return {
      client,
      query: async (sql, params = []) => (await client.query(sql, params)).rows,
      reset: async () => void (await client.query(RESET)),
      close: () => client.end(),
    };
  }
  // Starting PGlite takes seconds (it compiles PostgreSQL's WebAssembly): open one per file, reset between tests.
  const db = await PGlite.create();
  return {
    client: db,
    query: async (sql, params = []) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    reset: async () => void (await db.exec(RESET)),
    close: () => db.close(),
  };
}

export const TARGETS: readonly TargetName[] = ['server', 'pglite'];

/**
 * The target `name` for the tests of the calling `describe`: opened once for them, reset before
 * each, closed after them all. Read its members only inside tests and hooks.
 */
export function useTarget(name: TargetName): PostgresTarget {
  let target: PostgresTarget | null = null;
  const opened = (): PostgresTarget => {
    if (!target) throw new Error(`The ${name} target is not open yet: use it inside a test.`);
    return target;
  };
  beforeAll(async () => {
    target = await openTarget(name);
  });
  beforeEach(() => opened().reset());
  afterAll(() => target?.close());
  return {
    get client() {
      return opened().client;
    },
    query: (sql, params) => opened().query(sql, params),
    reset: () => opened().reset(),
    close: () => opened().close(),
  };
}
