import type { Dialect, DialectFailure, TableSchema } from '../dialect';
import { WrongTypeValue, type PostgresValue } from './postgres-types';

/** PostgreSQL error fields, as node-postgres and PGlite both give them. */
interface PostgresErrorFields {
  readonly code: string;
  readonly message: string;
  readonly constraint?: string;
  readonly column?: string;
  readonly table?: string;
  readonly detail?: string;
}

function isPostgresError(e: unknown): e is PostgresErrorFields {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as { code: string }).code) &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

const FAILURE_KINDS: Record<string, DialectFailure['kind']> = {
  '23505': 'unique',
  '23502': 'notNull',
  '23503': 'foreignKey',
  '23514': 'check',
};

/**
 * What a failure of PostgreSQL (as node-postgres and PGlite report it) or of binding a value
 * means for the push: a constraint by kind, a value of the wrong type, or something else.
 */
export const postgresFailureOf: Dialect<TableSchema, PostgresValue>['failureOf'] = (error) => {
  if (error instanceof WrongTypeValue)
    return {
      kind: 'type',
      message: error.message,
      ...(error.column !== undefined ? { column: error.column } : {}),
    };
  if (!isPostgresError(error)) return null;
  const kind = FAILURE_KINDS[error.code] ?? (error.code.startsWith('22') ? 'type' : 'other');
  return {
    kind,
    // The detail (`Failing row contains (…)`, `Key (id)=(1) already exists`) helps an app that
    // applies its own plans; the sync server never sends this message to a device (device-errors.ts).
    message: error.detail ? `${error.message} (${error.detail})` : error.message,
    ...(error.constraint ? { constraint: error.constraint } : {}),
    ...(error.column ? { column: error.column } : {}),
  };
};
