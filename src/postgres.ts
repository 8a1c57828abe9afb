/**
 * `pandalchemy/postgres`: the same execution plans, applied to PostgreSQL (node-postgres or
 * PGlite) in one transaction, with the same guards and typed errors as the SQLite engine. It
 * imports nothing browser-only: it runs in Node, in a server, or next to PGlite in a page.
 *
 * @example
 * ```ts
 * import { applyPlan } from 'pandalchemy/postgres';
 * await applyPlan(plan, client);
 * ```
 */
export { applyPlan, type PostgresPushResult } from './postgres/apply-plan';
export type {
  NodePostgresClient,
  PGliteClient,
  PGliteTransaction,
  PostgresClient,
} from './postgres/postgres-client';
export { postgresDialect } from './dialect/postgres/postgres-dialect';
export { postgresType, type PostgresValue } from './dialect/postgres/postgres-types';
export { quotePostgresIdentifier } from './dialect/postgres/postgres-text';
export {
  ConflictError,
  PandalchemyError,
  isPandalchemyError,
  type ConflictDetail,
} from './errors/pandalchemy-error';
export type { ErrorCode } from './errors/error-code';
