import { retypeStatements, type SqliteSchemaStatement } from '../dialect/sqlite/sqlite-schema-step';
import { findTable } from './introspect';
import { selectValue, type SqlDatabase } from './sqlite';

/**
 * Changes a column's declared type inside the current transaction, running the statements the
 * SQLite dialect builds for it (see `retypeStatements`). Replay of a redo record runs the same.
 */
export function retypeColumn(
  db: SqlDatabase,
  table: string,
  column: string,
  declaredType: string,
): void {
  for (const st of retypeStatements(findTable(db, table), table, column, declaredType))
    runSchemaStatement(db, st);
}

/**
 * Runs one schema statement of the SQLite dialect; one that writes `sqlite_schema` with
 * `writable_schema` on, and a new schema version after it, which makes SQLite read the schema
 * again.
 */
export function runSchemaStatement(db: SqlDatabase, st: SqliteSchemaStatement): void {
  if (!st.writesSchema) {
    runOnce(db, st);
    return;
  }
  const version = Number(selectValue(db, 'PRAGMA schema_version'));
  db.run('PRAGMA writable_schema=ON');
  try {
    runOnce(db, st);
    db.run(`PRAGMA schema_version=${Math.trunc(version) + 1}`);
  } finally {
    db.run('PRAGMA writable_schema=OFF');
  }
}

function runOnce(db: SqlDatabase, st: SqliteSchemaStatement): void {
  const parameters = st.parameters(0);
  if (parameters.length) db.run(st.sql, parameters);
  else db.run(st.sql);
}
