import { PandalchemyError } from '../errors/pandalchemy-error';
import { identifierKey } from '../dialect/sqlite/sqlite-text';
import { ROWID_NAMES } from './table-info';

/**
 * The first of SQLite's three names for the rowid (`rowid`, `_rowid_`, `oid`) that no column
 * takes, or null when columns take all three. A column of that name (ASCII case ignored, as SQLite
 * ignores it) hides the rowid under it: `rowid` then reads the column, not the row's id.
 *
 * @example
 * ```ts
 * freeRowidName(['ROWID', 'v']) // '_rowid_'
 * freeRowidName(['rowid', '_rowid_', 'OID']) // null
 * ```
 */
export function freeRowidName(columns: readonly string[]): (typeof ROWID_NAMES)[number] | null {
  const taken = new Set(columns.map(identifierKey));
  return ROWID_NAMES.find((n) => !taken.has(n)) ?? null;
}

/**
 * Whether `name` is one of the rowid's names (ASCII case ignored). SQLite's ALTER TABLE refuses to
 * add, drop or rename a column of such a name in a table that has a rowid ("rowid alias").
 *
 * @example
 * ```ts
 * isRowidName('OID') // true
 * ```
 */
export function isRowidName(name: string): boolean {
  return (ROWID_NAMES as readonly string[]).includes(identifierKey(name));
}

/**
 * The name under which the rowid of table `table` can be read and written: see
 * {@link freeRowidName}. Throws `key_column` when its columns take all three names, since its rows
 * then cannot be told apart by the rowid.
 *
 * @example
 * ```ts
 * rowidNameOf('k', ['rowid', 'v']) // '_rowid_'
 * ```
 */
export function rowidNameOf(table: string, columns: readonly string[]): string {
  const name = freeRowidName(columns);
  if (name !== null) return name;
  throw new PandalchemyError(
    'key_column',
    `Table ${JSON.stringify(table)} has columns named rowid, _rowid_ and oid, which hide SQLite's ` +
      'row id under all three of its names: this library cannot tell the rows apart. Rename one of ' +
      "these columns (a table with a primary key: renameColumn('oid', 'oid_') and push; a table " +
      'without one: in the file, before importing it).',
    { table },
  );
}
