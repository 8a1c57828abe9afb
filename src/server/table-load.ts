import type { TableSchema } from '../dialect/dialect';
import { postgresDialect as dialect, readExpression } from '../dialect/postgres/postgres-dialect';
import { quotePostgresIdentifier as q } from '../dialect/postgres/postgres-text';
import { fromPostgresText } from '../dialect/postgres/postgres-types';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { SqlValue } from '../values/sql-value';
import { withClient, type SyncPool } from './sync-pool';

/** What a load sends, in order: the table's shape, its rows in chunks, the end. */
export interface TableLoadSink {
  table(asOf: number, schema: TableSchema, total: number): Promise<void>;
  /** One chunk, column by column; resolves when the socket has taken it (back-pressure). */
  rows(values: SqlValue[][], done: number): Promise<void>;
}

/**
 * Streams a table's rows as of one commit: one read-only, repeatable-read transaction, so the
 * rows and `asOf` (the last commit its snapshot sees) agree; a cursor in key order, read `chunk`
 * rows at a time. Returns the number of rows sent. A table that does not exist is refused
 * (`unknown_table`).
 */
export async function loadTable(
  pool: SyncPool,
  table: string,
  chunk: number,
  sink: TableLoadSink,
): Promise<number> {
  return withClient(pool, async (run) => {
    await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
    for (const sql of dialect.transaction.begin.slice(1)) await run(sql, []);
    const asOf = Number(
      (await run('SELECT coalesce(max(seq), 0)::text FROM pandalchemy_commits', []))[0]![0],
    );
    const introspect = dialect.introspect(table);
    const answer = (await run(introspect.sql, introspect.parameters(0))) as SqlValue[][];
    const schema = introspect.read([answer]);
    if (!schema) {
      await run('ROLLBACK', []);
      throw new PandalchemyError(
        'unknown_table',
        `Table ${JSON.stringify(table)} does not exist on the server: nothing to load.`,
        { table },
      );
    }
    const t = q(table);
    const total = Number((await run(`SELECT count(*)::text FROM ${t}`, []))[0]![0]);
    await sink.table(asOf, schema, total);
    const kinds = schema.columns.map((c) => c.kind);
    const select = schema.columns.map((c) => readExpression(c.name, c.kind)).join(', ');
    // Qualified: a bare name in ORDER BY would sort by the output column, the value as text.
    const order = schema.key.columns.map((k) => `src.${q(k)}`).join(', ') || '1';
    await run(
      `DECLARE load NO SCROLL CURSOR FOR SELECT ${select} FROM ${t} AS src ORDER BY ${order}`,
      [],
    );
    let done = 0;
    for (;;) {
      const rows = await run(`FETCH FORWARD ${chunk} FROM load`, []);
      if (!rows.length) break;
      const values = kinds.map((kind, c) => rows.map((r) => fromPostgresText(kind, r[c])));
      done += rows.length;
      await sink.rows(values, done);
      if (rows.length < chunk) break;
    }
    await run('COMMIT', []);
    return done;
  });
}
