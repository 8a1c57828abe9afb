import type { ColumnDefinition } from '../plan/execution-plan';

/** What a dialect decides of one column's clause (see {@link columnDefinitionSql}). */
export interface ColumnClause {
  /** The type as the database writes it ('' for none, which SQLite allows). */
  readonly type: string;
  /** A constraint written right after the type (`PRIMARY KEY AUTOINCREMENT`, an identity). */
  readonly constraint?: string;
  /** The DEFAULT expression, null for none. */
  readonly default: string | null;
}

/**
 * The column clause of CREATE TABLE and ALTER TABLE ADD COLUMN, in the order both SQLite and
 * PostgreSQL read it: name, type, a constraint, NOT NULL, DEFAULT. Each dialect decides the
 * type, the constraint and the default's SQL; the clause is assembled here once.
 *
 * @example
 * ```ts
 * columnDefinitionSql(quoteIdentifier, { name: 'n', declaredType: 'INTEGER', notNull: true, default: null },
 *   { type: 'INTEGER', default: null }); // '"n" INTEGER NOT NULL'
 * ```
 */
export function columnDefinitionSql(
  quote: (name: string) => string,
  column: ColumnDefinition,
  clause: ColumnClause,
): string {
  const parts = [quote(column.name)];
  if (clause.type) parts.push(clause.type);
  if (clause.constraint) parts.push(clause.constraint);
  if (column.notNull) parts.push('NOT NULL');
  if (clause.default !== null) parts.push(`DEFAULT ${clause.default}`);
  return parts.join(' ');
}
