import type { ColumnTable } from 'arquero';
import type { Database } from '../src/index';
import { errorMessage, type Message } from './messages';

/** The outcome of the last query the SQL console ran. */
export type SqlOutcome =
  | { readonly kind: 'rows'; readonly table: ColumnTable; readonly ms: number }
  | { readonly kind: 'error'; readonly message: Message };

/** A first query that shows something useful on the sample database. */
export const SAMPLE_QUERY =
  'SELECT c.name, count(o.id) AS orders, round(sum(o.total), 2) AS spent\n' +
  'FROM customers c LEFT JOIN orders o ON o.customer_id = c.id\n' +
  'GROUP BY c.id ORDER BY spent DESC LIMIT 20';

/**
 * The SQL console: the text being written and the outcome of the last run. Queries go through
 * `db.query`, which runs one read-only statement on the committed database in the worker:
 * pending edits are not part of what it reads until they are pushed.
 */
export class SqlConsole {
  sql = SAMPLE_QUERY;
  outcome: SqlOutcome | null = null;
  running = false;
  /** Changes on every outcome: the result grid starts again at its top. */
  revision = 0;
  /** Changes when the SQL is set from elsewhere (a view in the sidebar): the editor shows it. */
  loaded = 0;

  /** Runs `sql`; the outcome is a table of rows or an error message with its code. */
  async run(db: Database, sql: string): Promise<void> {
    this.sql = sql;
    this.running = true;
    // The last outcome goes at once: rows shown while the query runs would look like its own.
    this.outcome = null;
    const start = performance.now();
    try {
      const table = await db.query(sql);
      this.outcome = { kind: 'rows', table, ms: performance.now() - start };
    } catch (e) {
      this.outcome = { kind: 'error', message: errorMessage(e, 'The query failed') };
    }
    this.running = false;
    this.revision++;
  }
}
