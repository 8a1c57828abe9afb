import {
  hasSqliteSequences,
  sqliteSequences,
  type Sequences,
} from '../dialect/sqlite/sqlite-sequences';
import { ask, type SqlDatabase } from './sqlite';
import type { TableTouch } from './table-touch';

/**
 * The AUTOINCREMENT counters (`sqlite_sequence`) after a push that may have moved them: one that
 * wrote a table with AUTOINCREMENT or changed a schema. Null when none can have moved.
 */
export function readSequences(
  db: SqlDatabase,
  touches: Map<string, TableTouch>,
  schemaChanged: Set<string>,
): Sequences | null {
  const involved =
    [...touches.values()].some((t) => t.info.autoIncrement) || schemaChanged.size > 0;
  if (!involved || !ask(db, hasSqliteSequences())) return null;
  return ask(db, sqliteSequences());
}
