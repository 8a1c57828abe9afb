import type pg from 'pg';
import type { NodePostgresClient } from '../../src/postgres/postgres-client';
import type { SyncPool, SyncPoolClient } from '../../src/server';
import { queryCall, type QueryConfig } from './query-call';

/** A statement as a client sent it: its text and parameters. */
export type RecordedStatement = readonly [text: string, values: readonly unknown[]];

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
): { client: NodePostgresClient; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const query = (config: string | QueryConfig, values?: unknown[]): Promise<never> => {
    const { text, values: sent } = queryCall(config, values as QueryConfig['values']);
    if (keep(text)) statements.push([text, [...sent]]);
    return (
      typeof config === 'string'
        ? client.query(config, values)
        : client.query(config as pg.QueryArrayConfig)
    ) as Promise<never>;
  };
  return { statements, client: { query } };
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
        const query = client.query.bind(client) as (
          config: string | QueryConfig,
          values?: QueryConfig['values'],
        ) => Promise<never>;
        const recorded = (config: string | QueryConfig, values?: QueryConfig['values']) => {
          const call = queryCall(config, values);
          statements.push([call.text, [...call.values]]);
          return query(config, values);
        };
        return Object.assign(client, { query: recorded });
      },
    },
  };
}
