import type { TableSchema } from '../dialect/dialect';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { CreateIndexStep, DropIndexStep } from '../plan/execution-plan';
import type { RunStatement } from './postgres-client';

/**
 * Checks an index step against the database before it runs, with the typed errors the SQLite
 * engine gives (`unknown_column`, `name_taken`, `unknown_index`, `invalid_argument` for an index
 * a constraint owns), rather than PostgreSQL's own. `schema`: the table as the step finds it.
 */
export async function checkIndexStep(
  run: RunStatement,
  step: CreateIndexStep | DropIndexStep,
  schema: TableSchema,
): Promise<void> {
  const context = { table: step.table, step: step.kind };
  if (step.kind === 'createIndex') {
    for (const column of step.columns) {
      if (!schema.columns.some((c) => c.name === column)) {
        throw new PandalchemyError(
          'unknown_column',
          `Index ${JSON.stringify(step.index)} names column ${JSON.stringify(column)}, which table '${step.table}' does not have (${schema.columns.map((c) => c.name).join(', ')}): index its columns.`,
          { ...context, column },
        );
      }
    }
  }
  // What the name is in the schema the push writes to: a relation's kind, the table an index is
  // on, and whether a constraint owns it.
  const [found] = await run(
    `SELECT c.relkind::text, t.relname::text,
  EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)::text
FROM pg_class c
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid
WHERE c.oid = to_regclass(quote_ident($1))`,
    [step.index],
  );
  if (step.kind === 'createIndex') {
    if (found) {
      throw new PandalchemyError(
        'name_taken',
        `The database already has a ${found[0] === 'i' ? `index ${JSON.stringify(step.index)} (on '${String(found[1])}')` : `relation ${JSON.stringify(step.index)}`}: index names are shared by every table, so choose another name.`,
        context,
      );
    }
    return;
  }
  if (!found || found[0] !== 'i' || found[1] !== step.table) {
    throw new PandalchemyError(
      'unknown_index',
      `Table '${step.table}' has no index ${JSON.stringify(step.index)}: check the index's name.`,
      context,
    );
  }
  if (String(found[2]) === 'true') {
    throw new PandalchemyError(
      'invalid_argument',
      `Index ${JSON.stringify(step.index)} of '${step.table}' belongs to its PRIMARY KEY or a UNIQUE constraint, and goes only with the table: it cannot be dropped alone.`,
      context,
    );
  }
}
