import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { sqliteIntrospectTables, sqliteTableNames } from '../dialect/sqlite/sqlite-introspect';
import { freezeTableInfo } from '../schema/freeze-table-info';
import type { TableInfo } from '../schema/table-info';
import { ask, selectFixed, type SqlDatabase } from './sqlite';

/**
 * Every object of the schema as SQLite stores it, in creation order: everything a `TableInfo`
 * says (columns, key, rowid, indexes, foreign keys, triggers) is read from this text by SQLite's
 * pragmas, so two equal answers mean equal schemas. Unlike `PRAGMA schema_version`, the text
 * cannot come back equal for another schema after a rolled-back schema change.
 */
const SCHEMA_TEXT = `SELECT group_concat(type || char(31) || name || char(31) || tbl_name || char(31) || ifnull(sql, ''), char(30))
  FROM (SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid)`;

interface Schema {
  readonly text: string;
  readonly tables: readonly TableInfo[];
  readonly byName: ReadonlyMap<string, TableInfo>;
}

/**
 * The last schema read of each database, with the text it was read from. Reading a table's schema
 * takes several pragmas per table; a push read every table's schema twice before it wrote its one
 * row (some 75% of a one-cell push's time in the engine, in a Node profile at 100k rows).
 */
const schemas = new WeakMap<SqlDatabase, Schema>();

function schemaOf(db: SqlDatabase): Schema {
  const text = String(selectFixed(db, SCHEMA_TEXT) ?? '');
  const known = schemas.get(db);
  if (known?.text === text) return known;
  // Frozen: every caller shares these objects.
  const tables = ask(db, sqliteIntrospectTables(ask(db, sqliteTableNames()))).map(freezeTableInfo);
  const schema = { text, tables, byName: new Map(tables.map((t) => [t.name, t])) };
  schemas.set(db, schema);
  return schema;
}

/**
 * Every user table of the database, in creation order, as the SQLite dialect reads them (read
 * again only when the schema changed; the objects are frozen).
 *
 * @example
 * ```ts
 * introspect(db).map((t) => t.name); // ['users', 'orders']
 * ```
 */
export function introspect(db: SqlDatabase): TableInfo[] {
  return [...schemaOf(db).tables];
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
  // A name in another case, or one of SQLite's own tables, is read as SQLite finds it.
  return schemaOf(db).byName.get(name) ?? ask(db, sqliteDialect.introspect(name));
}
