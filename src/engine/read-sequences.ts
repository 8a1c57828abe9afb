import { rowOf, selectValue, type SqlDatabase } from './sqlite';
import type { TableTouch } from './table-touch';

/**
 * The AUTOINCREMENT counters (`sqlite_sequence`) after a push that may have moved them: one that
 * wrote a table with AUTOINCREMENT or changed a schema. Null when none can have moved.
 */
export function readSequences(
  db: SqlDatabase,
  touches: Map<string, TableTouch>,
  schemaChanged: Set<string>,
): [string, number | bigint][] | null {
  const involved =
    [...touches.values()].some((t) => t.info.autoIncrement) || schemaChanged.size > 0;
  if (!involved) return null;
  const exists = selectValue(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'");
  if (exists === null) return null;
  const stmt = db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name');
  try {
    const out: [string, number | bigint][] = [];
    while (stmt.step()) {
      const [name, seq] = rowOf(stmt);
      out.push([String(name), typeof seq === 'bigint' ? seq : Number(seq)]);
    }
    return out;
  } finally {
    stmt.free();
  }
}
