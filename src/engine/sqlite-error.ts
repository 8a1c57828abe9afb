import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { PandalchemyError, type ErrorContext } from '../errors/pandalchemy-error';

/** The message of whatever sql.js threw (it throws Errors, and sometimes strings). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A typed error for an SQLite failure during a push, classified by the SQLite dialect
 * (`failureOf`): constraint violations get `constraint` and a hint naming the table and row;
 * anything else `sqlite`. Errors that are already typed pass through.
 */
export function sqliteError(
  e: unknown,
  context: ErrorContext & { what: string },
): PandalchemyError {
  if (e instanceof PandalchemyError) return e;
  const failure = sqliteDialect.failureOf(e);
  const message = failure?.message ?? messageOf(e);
  const { what, ...ctx } = context;
  const where = [
    ctx.table !== undefined ? `table '${ctx.table}'` : '',
    ctx.key !== undefined
      ? `row ${JSON.stringify(ctx.key, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  // What the SQLite dialect reads from the message: a constraint, or anything else.
  if (failure && failure.kind !== 'type' && failure.kind !== 'other') {
    return new PandalchemyError(
      'constraint',
      `SQLite refused ${what}${where ? ` (${where})` : ''}: ${message}. Nothing was written; fix the values and push again.`,
      { ...ctx, sqliteMessage: message },
      e,
    );
  }
  return new PandalchemyError(
    'sqlite',
    `SQLite failed during ${what}${where ? ` (${where})` : ''}: ${message}. Nothing was written.`,
    { ...ctx, sqliteMessage: message },
    e,
  );
}
