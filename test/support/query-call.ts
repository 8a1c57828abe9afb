import type { PostgresValue } from '../../src/dialect/postgres/postgres-types';

/** A statement as `NodePostgresClient.query` takes it: a config object, or text and values. */
export type QueryConfig = {
  text: string;
  values: PostgresValue[];
  rowMode?: 'array';
  name?: string;
};

/**
 * The text and values of a `query()` call in either of node-postgres' forms (`applyPlan` sends a
 * write whose rows it discards as `query(text, values)`), for wrappers that look at statements.
 */
export function queryCall(
  config: string | QueryConfig,
  values?: PostgresValue[],
): { text: string; values: PostgresValue[] } {
  return typeof config === 'string' ? { text: config, values: values ?? [] } : config;
}
