import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { PostgresValue } from './postgres-types';

/** PostgreSQL cuts identifiers past 63 bytes (NAMEDATALEN - 1) silently: longer ones are refused. */
export const MAX_POSTGRES_IDENTIFIER_BYTES = 63;

/**
 * An identifier as PostgreSQL SQL: always quoted (so that any name is one identifier, never SQL,
 * and keeps its case), `"` doubled. Names PostgreSQL would cut short or cannot hold are refused.
 *
 * @example
 * ```ts
 * quotePostgresIdentifier('Order "2"') // '"Order ""2"""'
 * ```
 */
export function quotePostgresIdentifier(name: string): string {
  if (
    name.includes('\0') ||
    new TextEncoder().encode(name).length > MAX_POSTGRES_IDENTIFIER_BYTES
  ) {
    throw new PandalchemyError(
      'invalid_identifier',
      `${JSON.stringify(name.slice(0, 80))} cannot be a PostgreSQL identifier: PostgreSQL holds names of at most ${MAX_POSTGRES_IDENTIFIER_BYTES} bytes (UTF-8) without NUL. Rename it before pushing to PostgreSQL.`,
      { column: name },
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A value as an SQL literal, for previews and for column defaults (DDL binds no parameters).
 * Text is quoted with `'` doubled, which is exact with `standard_conforming_strings` on (the
 * default, and set by every push); bytes as `'\x…'::bytea`.
 */
export function postgresLiteral(value: PostgresValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) {
    let hex = '';
    for (const b of value) hex += b.toString(16).padStart(2, '0');
    return `'\\x${hex}'::bytea`;
  }
  return `'${value.replaceAll("'", "''")}'`;
}
