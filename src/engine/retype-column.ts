import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { retypeStatements, type SqliteSchemaStatement } from '../dialect/sqlite/sqlite-schema-step';
import { findTable } from './introspect';
import { ask, type SqlDatabase } from './sqlite';

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
 * Runs one schema statement of the SQLite dialect; one that writes `sqlite_schema` as the
 * dialect's `writableSchema` procedure says.
 */
export function runSchemaStatement(db: SqlDatabase, st: SqliteSchemaStatement): void {
  if (!st.writesSchema) {
    runOnce(db, st);
    return;
  }
  const writable = sqliteDialect.writableSchema;
  const version = ask(db, writable.version);
  db.run(writable.on);
  try {
    runOnce(db, st);
    db.run(writable.bump(version));
  } finally {
    db.run(writable.off);
  }
}

function runOnce(db: SqlDatabase, st: SqliteSchemaStatement): void {
  const parameters = st.parameters(0);
  if (parameters.length) db.run(st.sql, parameters);
  else db.run(st.sql);
}
