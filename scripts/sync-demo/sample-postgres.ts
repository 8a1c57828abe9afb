import { postgresType, quotePostgresIdentifier } from '../../src/postgres';
import { kindOf } from '../../src/values/column-kind';
import { sampleTables, type SampleTable } from '../../demo/sample-tables';

/** What creating the sample tables needs of a PostgreSQL connection (PGlite or node-postgres). */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Words that open a table constraint rather than a column in a CREATE TABLE's body. */
const CONSTRAINT_WORDS = /^(PRIMARY|UNIQUE|CHECK|FOREIGN|CONSTRAINT)\b/i;
const COLUMN_LINE = /^(\s*)(\w+) (\w+(?:\([\d, ]+\))?)(.*?)(,?)$/;

/**
 * A sample table's CREATE TABLE (SQLite) as PostgreSQL takes it: each column's declared type
 * mapped as `pandalchemy/postgres` maps it (`postgresType`: INTEGER to bigint, REAL to double
 * precision, DATETIME to timestamp(3)…), a BOOLEAN default of 0 or 1 written false or true, and
 * foreign keys DEFERRABLE, so that they are checked when a push commits, as the browser's SQLite
 * does. The sample DDL has one column or constraint per line, which this relies on.
 *
 * @example
 * ```ts
 * postgresDdl('CREATE TABLE t (\n  id INTEGER PRIMARY KEY,\n  at DATETIME\n)');
 * // 'CREATE TABLE t (\n  id bigint PRIMARY KEY,\n  at timestamp(3)\n)'
 * ```
 */
export function postgresDdl(ddl: string): string {
  const lines = ddl.split('\n');
  return lines
    .map((line, i) => {
      const m = COLUMN_LINE.exec(line);
      if (i === 0 || i === lines.length - 1 || !m || CONSTRAINT_WORDS.test(m[2]!)) return line;
      const [, indent, name, type, rest, comma] = m as unknown as string[];
      let tail = rest!;
      if (kindOf(type!) === 'boolean')
        tail = tail.replace(/\bDEFAULT ([01])\b/i, (_all, v: string) =>
          v === '1' ? 'DEFAULT true' : 'DEFAULT false',
        );
      if (/\bREFERENCES\b/i.test(tail)) tail += ' DEFERRABLE INITIALLY DEFERRED';
      return `${indent}${name} ${postgresType(type!, name!)}${tail}${comma}`;
    })
    .join('\n');
}

/**
 * Creates the playground's sample tables (customers, orders, stock) with their rows, in one
 * transaction, unless the database has them already (a server started again keeps its rows).
 * The sync server does not create synced tables: this is the app's migration, for the demo.
 * Returns the tables' names.
 */
export async function createSampleTables(db: SqlRunner): Promise<string[]> {
  const tables = sampleTables();
  const names = tables.map((t) => t.name);
  const found = await db.query(
    `SELECT count(*)::int AS n FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
    [names],
  );
  const existing = Number((found.rows[0] as { n: number }).n);
  if (existing === names.length) return names;
  if (existing > 0)
    throw new Error(
      `The sync demo's database has only some of the sample tables (${names.join(', ')}): ` +
        'remove its data folder to start again.',
    );
  await db.query('BEGIN');
  try {
    for (const table of tables) await db.query(postgresDdl(table.ddl));
    // Before the rows: PostgreSQL will not index a table with deferred foreign-key checks pending.
    await db.query('CREATE INDEX orders_by_customer ON orders (customer_id)');
    for (const table of tables) await insertRows(db, table);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
  return names;
}

/** Rows per INSERT statement (PostgreSQL allows 65,535 parameters in one). */
const ROWS_PER_INSERT = 200;

async function insertRows(db: SqlRunner, table: SampleTable): Promise<void> {
  const names = Object.keys(table.columns);
  const columns = names.map((n) => table.columns[n]!);
  const count = columns[0]?.length ?? 0;
  const head = `INSERT INTO ${quotePostgresIdentifier(table.name)} (${names.map(quotePostgresIdentifier).join(', ')}) VALUES `;
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    const params: (string | null)[] = [];
    const rows: string[] = [];
    for (let r = from; r < Math.min(count, from + ROWS_PER_INSERT); r++) {
      // Text in PostgreSQL's input syntax, which takes the column's type ('1' is true, too).
      const cells = columns.map((c) => {
        const v = c[r] ?? null;
        params.push(v === null ? null : String(v));
        return `$${params.length}`;
      });
      rows.push(`(${cells.join(', ')})`);
    }
    await db.query(head + rows.join(', '), params);
  }
}
