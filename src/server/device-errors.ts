import { postgresFailureOf } from '../dialect/postgres/postgres-failure';
import { bigintReplacer, PandalchemyError } from '../errors/pandalchemy-error';

/*
 * What a device may learn of a failure. A device is told what it sent and what was refused, never
 * the text of an error raised by PostgreSQL, its driver or the app's callbacks: those quote rows
 * the device may not read (a constraint's `Failing row contains (…)`), hosts, users and
 * passwords. The app sees the full error through the server's `onError`.
 */

/** An app callback (`authenticate`, `authorize`) threw: code `internal`, nothing of why. */
export function appCallbackFailed(what: string, cause: unknown): PandalchemyError {
  return new PandalchemyError(
    'internal',
    `The server could not ${what} (the app's check failed): try again later.`,
    {},
    cause,
  );
}

/** PostgreSQL (or the pool) failed: code `postgres`, nothing of its own words. */
export function databaseFailed(what: string, cause: unknown): PandalchemyError {
  return new PandalchemyError(
    'postgres',
    `The server could not ${what} (its database failed): try again later.`,
    {},
    cause,
  );
}

/**
 * The error sent for something the server could not finish (`failed`, `loadFailed`, a connection
 * `error`): one of the server's own typed answers as it is (`busy`, `forbidden`, `internal`, …),
 * anything else (a PostgreSQL or driver error, typed or not) as {@link databaseFailed}.
 */
export function failureForDevice(what: string, e: unknown): PandalchemyError {
  if (e instanceof PandalchemyError && e.code !== 'postgres' && !postgresCause(e)) return e;
  return databaseFailed(what, e);
}

/** The PostgreSQL error an error was made from, if any (typed errors keep it as `cause`). */
function postgresCause(e: PandalchemyError): unknown {
  const cause = e.cause;
  return postgresFailureOf(cause) ? cause : null;
}

const REFUSED: Record<string, string> = {
  unique: 'a row with the same unique values is there already',
  notNull: 'a column that may not be null would be null',
  foreignKey: 'a foreign key would reference a row that is not there, or a referenced row would go',
  check: 'a CHECK constraint would not hold',
  constraint: 'a constraint would not hold',
  type: "a value its column's type cannot take",
  other: 'the database refused it',
};

/**
 * A refusal of a push as the device gets it (and as it is recorded for retries): the same code and
 * context (table, the key the device sent, column, constraint, step), with a message made of
 * those only when PostgreSQL raised it. Errors of the server's own (conflicts, forbidden, invalid
 * plans) say only what the device sent and pass as they are.
 */
export function refusalForDevice(e: PandalchemyError): PandalchemyError {
  const cause = postgresCause(e);
  if (!cause) return e;
  const kind = postgresFailureOf(cause)?.kind ?? 'other';
  const where = [
    e.table !== undefined ? `table ${JSON.stringify(e.table)}` : '',
    e.key !== undefined ? `row ${JSON.stringify(e.key, bigintReplacer)}` : '',
    e.column !== undefined ? `column ${JSON.stringify(e.column)}` : '',
    e.constraint !== undefined ? `constraint ${JSON.stringify(e.constraint)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const context = {
    ...(e.table !== undefined ? { table: e.table } : {}),
    ...(e.key !== undefined ? { key: e.key } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
    ...(e.constraint !== undefined ? { constraint: e.constraint } : {}),
    ...(e.step !== undefined ? { step: e.step } : {}),
  };
  return new PandalchemyError(
    e.code,
    `PostgreSQL refused this push${where ? ` (${where})` : ''}: ${REFUSED[kind] ?? REFUSED['other']!}. Nothing was written.`,
    context,
    e,
  );
}
