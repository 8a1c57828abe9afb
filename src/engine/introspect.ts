import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { sqliteIntrospectTables, sqliteTableNames } from '../dialect/sqlite/sqlite-introspect';
import type { TableInfo } from '../schema/table-info';
import { ask, type SqlDatabase } from './sqlite';

/**
 * Every user table of the database, in creation order, as the SQLite dialect reads them.
 *
 * @example
 * ```ts
 * introspect(db).map((t) => t.name); // ['users', 'orders']
 * ```
 */
export function introspect(db: SqlDatabase): TableInfo[] {
  return ask(db, sqliteIntrospectTables(ask(db, sqliteTableNames())));
}

/**
 * The schema of one table, or null when it does not exist.
 *
 * @example
 * ```ts
 * findTable(db, 'users')?.key.columns; // ['id']
 * ```
 */
export function findTable(db: SqlDatabase, name: string): TableInfo | null {
  return ask(db, sqliteDialect.introspect(name));
}
