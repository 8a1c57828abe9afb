import type pg from 'pg';
import type { SyncPool, SyncPoolClient } from '../../src/server';

/** A statement as a client sent it: its text and parameters. */
export type RecordedStatement = readonly [text: string, values: readonly unknown[]];

/** What `applyPlan` calls on a node-postgres client. */
type ArrayQuery = (c: {
  text: string;
  values: unknown[];
  rowMode: 'array';
}) => Promise<pg.QueryArrayResult>;

/**
 * A node-postgres client that records each statement it sends (those `keep` accepts; default:
 * all), then runs it: what a push sent, to compare with a preview or to count round trips.
 *
 * @example
 * ```ts
 * const { client, statements } = recordingClient(db);
 * await applyPlan(plan, client);
 * expect(statements.length).toBe(5);
 * ```
 */
export function recordingClient(
  client: pg.Client | pg.PoolClient,
  keep: (text: string) => boolean = () => true,
): { client: { query: ArrayQuery }; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  return {
    statements,
    client: {
      query(c) {
        if (keep(c.text)) statements.push([c.text, [...c.values]]);
        return client.query(c as pg.QueryArrayConfig);
      },
    },
  };
}

/**
 * A sync server pool whose connections record every statement they send (the round trips of a
 * push, a load, the feed), then run it.
 */
export function recordingPool(pool: SyncPool): { pool: SyncPool; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  // A pool hands out the same connections again: each is wrapped once.
  const wrapped = new WeakSet<SyncPoolClient>();
  return {
    statements,
    pool: {
      async connect() {
        const client = await pool.connect();
        if (wrapped.has(client)) return client;
        wrapped.add(client);
        const query = client.query.bind(client) as SyncPoolClient['query'];
        const recorded: SyncPoolClient['query'] = (config) => {
          statements.push([config.text, [...config.values]]);
          return query(config);
        };
        return Object.assign(client, { query: recorded });
      },
    },
  };
}
