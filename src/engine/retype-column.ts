import { PandalchemyError } from '../errors/pandalchemy-error';
import { affinityOf } from '../values/affinity';
import { checkDeclaredType, quoteIdentifier as q } from '../plan/sql-text';
import { retypeInCreateSql } from './create-table-text';
import { selectRows, selectValue, type SqlDatabase } from './sqlite';

/**
 * Changes a column's declared type inside the current transaction, keeping every constraint,
 * index, trigger and foreign key of the table.
 *
 * SQLite has no ALTER COLUMN. Its 12-step rebuild needs `foreign_keys=OFF`, which cannot change
 * inside a transaction, and dropping the old table with foreign keys on would cascade into child
 * tables. Instead the declared type is rewritten in the schema (the documented `writable_schema`
 * procedure: the file format does not depend on declared types), then every value of the column is
 * written again so that it takes the new affinity, exactly as a rebuild's INSERT … SELECT would.
 * Triggers are set aside meanwhile so that this rewrite fires none of them.
 */
export function retypeColumn(
  db: SqlDatabase,
  table: string,
  column: string,
  declaredType: string,
): void {
  const type = checkDeclaredType(declaredType);
  const sql = selectValue(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [
    table,
  ]);
  if (typeof sql !== 'string') {
    throw new PandalchemyError(
      'unknown_table',
      `Table ${JSON.stringify(table)} does not exist, so its column cannot change type: check the table's name, or create it first.`,
      { table },
    );
  }
  const oldType = selectValue(db, 'SELECT type FROM pragma_table_xinfo(?) WHERE name = ?', [
    table,
    column,
  ]);
  if (oldType === null) {
    throw new PandalchemyError(
      'unknown_column',
      `Table ${JSON.stringify(table)} has no column ${JSON.stringify(column)} to change the type of: check the column's name.`,
      { table, column },
    );
  }
  const next = retypeInCreateSql(sql, column, type);
  const triggers = selectRows(
    db,
    "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid",
    [table],
  );
  for (const [name] of triggers) db.run(`DROP TRIGGER ${q(String(name))}`);
  const version = Number(selectValue(db, 'PRAGMA schema_version'));
  db.run('PRAGMA writable_schema=ON');
  try {
    db.run("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", [next, table]);
    // A new schema version makes SQLite read the schema again.
    db.run(`PRAGMA schema_version=${Math.trunc(version) + 1}`);
  } finally {
    db.run('PRAGMA writable_schema=OFF');
  }
  const c = q(column);
  // SQLite writes whole REAL values as integers on disk and makes them REAL again on read only
  // while the column is declared REAL: once the type is rewritten they must be made REAL here.
  const value =
    affinityOf(String(oldType ?? '')) === 'REAL'
      ? `CASE WHEN typeof(${c}) = 'integer' THEN CAST(${c} AS REAL) ELSE ${c} END`
      : c;
  db.run(`UPDATE ${q(table)} SET ${c} = ${value}`);
  for (const [, text] of triggers) db.run(String(text));
}
