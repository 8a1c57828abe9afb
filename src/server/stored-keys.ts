import type { TableSchema } from '../dialect/dialect';
import { quotePostgresIdentifier as q } from '../dialect/postgres/postgres-text';
import { fromPostgresText } from '../dialect/postgres/postgres-types';
import type { ExecutionPlan } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import type { RunStatement } from '../postgres/postgres-client';
import { keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';

/** A key value of a plan as PostgreSQL stores it in `table`.`column`. */
export type StoredForm = (table: string, column: string, value: SqlValue) => SqlValue;

/** How many values one cast statement takes. */
const CHUNK = 500;

const slot = (table: string, column: string, value: SqlValue): string =>
  `${table}\u0000${column}\u0000${String(keyTokens([value]))}`;

/** A value in PostgreSQL's input syntax, or null for one that is not cast (bytes, null). */
function inputText(value: SqlValue): string | null {
  if (value === null || value instanceof Uint8Array) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** The key columns of a data step: its own, or for an insert that names none, the table's. */
export function stepKey(step: { key: readonly string[] }, schema: TableSchema): readonly string[] {
  return step.key.length ? step.key : schema.key.columns;
}

/**
 * The key values a plan names, as PostgreSQL stored them: each cast to its column's own type,
 * typmod included (a NUMERIC(6,2) key sent as 2.555 is 2.56, a CHAR(5) 'ab' is 'ab   ', an
 * INTEGER sent as '1' is 1), as the write did. Commit effects name rows by these, so that every
 * device finds the rows it holds from the server. A value PostgreSQL cannot cast (a key no row
 * had) stays as it was sent; the casts run under a savepoint, so they never fail the push.
 */
export async function storedKeyForms(
  run: RunStatement,
  plan: ExecutionPlan,
  schemas: ReadonlyMap<string, TableSchema | null>,
): Promise<StoredForm> {
  const wanted = new Map<string, Map<string, SqlValue[]>>();
  const want = (table: string, column: string, value: SqlValue | undefined): void => {
    if (value === undefined || inputText(value) === null) return;
    let columns = wanted.get(table);
    if (!columns) wanted.set(table, (columns = new Map()));
    let values = columns.get(column);
    if (!values) columns.set(column, (values = []));
    values.push(value);
  };
  for (const step of plan.steps) {
    const schema = schemas.get(step.table);
    if (isSchemaStep(step) || !schema) continue;
    const key = stepKey(step, schema);
    key.forEach((k, j) => {
      if (step.kind === 'insert') {
        const at = step.columns.indexOf(k);
        if (at >= 0) for (const v of step.values[at]!) want(step.table, k, v);
        return;
      }
      for (const v of step.keys[j] ?? []) want(step.table, k, v);
      const set = step.kind === 'update' ? step.set.indexOf(k) : -1;
      if (step.kind === 'update' && set >= 0)
        for (const v of step.values[set]!) want(step.table, k, v);
    });
  }
  const found = new Map<string, SqlValue>();
  if (wanted.size) {
    await run('SAVEPOINT effect_keys', []);
    try {
      for (const [table, columns] of wanted)
        await castIn(run, table, schemas.get(table)!, columns, found);
      await run('RELEASE SAVEPOINT effect_keys', []);
    } catch {
      // A value its column's type cannot read: every key stays as sent, as before the casts.
      await run('ROLLBACK TO SAVEPOINT effect_keys', []);
      found.clear();
    }
  }
  return (table, column, value) => {
    const stored = found.get(slot(table, column, value));
    return stored === undefined ? value : stored;
  };
}

async function castIn(
  run: RunStatement,
  table: string,
  schema: TableSchema,
  columns: ReadonlyMap<string, readonly SqlValue[]>,
  found: Map<string, SqlValue>,
): Promise<void> {
  // The column's type as PostgreSQL names it, typmod included: catalog text, not a device's.
  const types = new Map(
    (
      await run(
        `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
        [q(table)],
      )
    ).map((r) => [String(r[0]), String(r[1])]),
  );
  for (const [column, values] of columns) {
    const type = types.get(column);
    const kind = schema.columns.find((c) => c.name === column)?.kind;
    if (!type || !kind) continue;
    const distinct = [...new Map(values.map((v) => [slot(table, column, v), v])).values()];
    for (let from = 0; from < distinct.length; from += CHUNK) {
      const part = distinct.slice(from, from + CHUNK);
      const row = (
        await run(
          `SELECT ${part.map((_, i) => `CAST(CAST($${i + 1} AS text) AS ${type})::text`).join(', ')}`,
          part.map(inputText),
        )
      )[0]!;
      part.forEach((v, i) => found.set(slot(table, column, v), fromPostgresText(kind, row[i])));
    }
  }
}
