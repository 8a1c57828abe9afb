import type { TableSchema } from '../dialect/dialect';
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
  for (const [table, columns] of wanted) {
    const schema = schemas.get(table)!;
    for (const [column, values] of columns) {
      const type = schema.columns.find((c) => c.name === column)?.declaredType;
      if (type === undefined || !values.some((v) => mayConvert(type, v))) columns.delete(column);
    }
    if (!columns.size) wanted.delete(table);
  }
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

/** PostgreSQL types whose values are stored as they are written (of the kinds below). */
const AS_WRITTEN: Readonly<Record<string, (value: SqlValue) => boolean>> = {
  bigint: isExactInteger,
  integer: isExactInteger,
  smallint: isExactInteger,
  'double precision': (v) => typeof v === 'number',
  text: (v) => typeof v === 'string',
};

function isExactInteger(value: SqlValue): boolean {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/**
 * Whether a value could be stored otherwise than written: not for an integer in an integer
 * column, text in a text column (the usual keys), so that their pushes take no more round trips.
 */
function mayConvert(type: string, value: SqlValue): boolean {
  return TYPE_NAME.test(type) && !(AS_WRITTEN[type]?.(value) ?? false);
}

/**
 * A type name as format_type writes it (`numeric(6,2)`, `character varying(5)`, `timestamp(3)
 * with time zone`): the only text this file puts in SQL. A schema a push previewed may carry a
 * device's own declared type; one of another shape is not cast (its keys stay as sent).
 */
const TYPE_NAME = /^[a-z][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?( with(out)? time zone)?$/;

async function castIn(
  run: RunStatement,
  table: string,
  schema: TableSchema,
  columns: ReadonlyMap<string, readonly SqlValue[]>,
  found: Map<string, SqlValue>,
): Promise<void> {
  for (const [column, values] of columns) {
    const c = schema.columns.find((s) => s.name === column);
    if (!c) continue;
    // PostgreSQL's name of the column's type, typmod included (format_type, as introspected):
    // catalog text, not a device's.
    const type = c.declaredType;
    const distinct = [...new Map(values.map((v) => [slot(table, column, v), v])).values()];
    const part = distinct.filter((v) => mayConvert(type, v));
    for (let from = 0; from < part.length; from += CHUNK) {
      const chunk = part.slice(from, from + CHUNK);
      const row = (
        await run(
          `SELECT ${chunk.map((_, i) => `CAST(CAST($${i + 1} AS text) AS ${type})::text`).join(', ')}`,
          chunk.map(inputText),
        )
      )[0]!;
      chunk.forEach((v, i) => found.set(slot(table, column, v), fromPostgresText(c.kind, row[i])));
    }
  }
}
