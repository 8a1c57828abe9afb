import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { SchemaColumn } from '../dialect';

/**
 * A column as the PostgreSQL dialect introspects it: with its default, which a type change
 * converts along with the values.
 */
export interface PostgresColumn extends SchemaColumn {
  /** The default as PostgreSQL renders it (`pg_get_expr`), null when none (or an identity). */
  readonly defaultSql: string | null;
}

/**
 * A column's default expression, null when it has none. A column described without it (a
 * preview's column known only from a data step) has an unknown default: refused, so that a
 * preview says what it cannot know rather than show a statement that would not run.
 */
export function defaultOf(column: SchemaColumn): string | null {
  if ('defaultSql' in column) return (column as PostgresColumn).defaultSql;
  throw new PandalchemyError(
    'invalid_plan',
    `The default of column ${JSON.stringify(column.name)} is not known, and a type change converts it: introspect the table first.`,
    { column: column.name },
  );
}
