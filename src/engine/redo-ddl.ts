import { retypeColumn } from './retype-column';
import type { SqlDatabase } from './sqlite';

/**
 * Marks a column type change in a redo record's DDL. It is not one SQL statement (see
 * `retypeColumn`), so the record names the change and replay runs the same procedure, which on the
 * same prior state does exactly the same.
 */
export const RETYPE_MARK = '/* pandalchemy:retype */ ';

/** Runs one DDL entry of a redo record. */
export function runDdl(db: SqlDatabase, statement: string): void {
  if (statement.startsWith(RETYPE_MARK)) {
    const [table, column, type] = JSON.parse(statement.slice(RETYPE_MARK.length)) as [
      string,
      string,
      string,
    ];
    retypeColumn(db, table, column, type);
    return;
  }
  db.run(statement);
}
