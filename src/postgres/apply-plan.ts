import type { CompiledStatement, Query, TableSchema } from '../dialect/dialect';
import { postgresDialect as dialect } from '../dialect/postgres/postgres-dialect';
import { rewrittenRows } from '../dialect/postgres/postgres-rewritten-rows';
import { aroundRetype, noPrimaryKey } from '../dialect/postgres/postgres-schema-steps';
import type { PostgresValue } from '../dialect/postgres/postgres-types';
import { validatePlan } from '../engine/validate-plan';
import {
  ConflictError,
  PandalchemyError,
  bigintReplacer,
  type ConflictDetail,
} from '../errors/pandalchemy-error';
import type { ColumnValues, DataStep, ExecutionPlan, Guard } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import { decodeValue } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { SqlValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { checkIndexStep } from './check-index-step';
import { inTransaction, type PostgresClient, type RunStatement } from './postgres-client';
import { statementName } from './statement-name';

/** What a push to PostgreSQL did. */
export interface PostgresPushResult {
  /** Rows the data steps inserted, updated or deleted (as the plan counts them). */
  readonly rowsWritten: number;
}

function rowAt(columns: readonly ColumnValues[], i: number): SqlValue[] {
  return columns.map((c) => c[i] ?? null);
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Runs a query of the dialect (each of its runs), and reads its answer. */
async function ask<T>(run: RunStatement, query: Query<T, PostgresValue>): Promise<T> {
  const answers: (readonly (readonly SqlValue[])[])[] = [];
  for (let i = 0; i < query.runs; i++)
    answers.push((await run(query.sql, query.parameters(i))) as (readonly SqlValue[])[]);
  return query.read(answers);
}

/**
 * Applies an execution plan to PostgreSQL, in ONE transaction: the plan is validated in full,
 * the rows it updates or deletes are checked against the values its edits were based on (its
 * guards), then its schema steps and data steps run. On any failure the transaction is rolled
 * back and a typed error thrown (`conflict` with every row that changed, `constraint` naming the
 * table, the row and the constraint, `invalid_plan`, `key_column` for a table without a primary
 * key, `postgres` for anything else): the database is exactly as before.
 *
 * `client` is a node-postgres `Client` or `PoolClient` (not a `Pool`: one connection holds the
 * transaction), or a PGlite database. Types map as `postgresType` documents; the plan's `basis`
 * (which names commits of the browser database) is ignored: every guard is checked.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { applyPlan } from 'pandalchemy/postgres';
 *
 * const client = new pg.Client(process.env.DATABASE_URL);
 * await client.connect();
 * await applyPlan(table.plan(), client);
 * ```
 */
export async function applyPlan(
  plan: ExecutionPlan,
  client: PostgresClient,
): Promise<PostgresPushResult> {
  validatePlan(plan);
  const applied = await inTransaction(client, dialect.transaction.begin, (run) =>
    applyPlanIn(run, plan),
  ).catch((e: unknown) => {
    throw typedError(e, { what: 'the push when it committed' });
  });
  return { rowsWritten: applied.rowsWritten };
}

/** What {@link applyPlanIn} did, for a caller that records it (the sync server). */
export interface AppliedPlan extends PostgresPushResult {
  /**
   * For each insert step that leaves a key column to the database, by its index in the plan: the
   * key each row got, as the driver returned it (one value per key column).
   */
  readonly assignedKeys: ReadonlyMap<number, readonly (readonly unknown[])[]>;
  /**
   * The schema of each table the data steps wrote, as read inside the push after its schema
   * steps: what reading the rows back needs, without asking again.
   */
  readonly schemas: ReadonlyMap<string, TableSchema | null>;
}

/**
 * The body of {@link applyPlan}, inside a transaction the caller opened (with
 * `postgresDialect.transaction.begin`) and commits or rolls back: the sync server runs it between
 * its own statements. `plan` must have been validated (`validatePlan`, or `decodePlan`). Throws
 * the typed errors `applyPlan` documents; the caller must then roll back (to a savepoint).
 *
 * @internal
 */
export async function applyPlanIn(run: RunStatement, plan: ExecutionPlan): Promise<AppliedPlan> {
  try {
    return await applySteps(run, plan);
  } catch (e) {
    throw typedError(e, { what: 'the push' });
  }
}

async function applySteps(run: RunStatement, plan: ExecutionPlan): Promise<AppliedPlan> {
  const schemas = new Map<string, TableSchema | null>();
  const schemaOf = async (table: string): Promise<TableSchema | null> => {
    if (!schemas.has(table)) schemas.set(table, await ask(run, dialect.introspect(table)));
    return schemas.get(table)!;
  };
  await checkGuards(run, plan, schemaOf);
  const ends: [string, CompiledStatement<PostgresValue>[]][] = [];
  for (const [index, step] of plan.steps.entries()) {
    if (!isSchemaStep(step)) continue;
    const schema = step.kind === 'createTable' ? null : await schemaOf(step.table);
    if (step.kind !== 'createTable' && !schema) throw unknownTable(step.table);
    if ((step.kind === 'createIndex' || step.kind === 'dropIndex') && schema)
      await checkIndexStep(run, step, schema);
    const statements = dialect.schemaStep(step, schema);
    // A type change whose column the data steps write again or delete in some rows: those rows
    // may hold, until then, a value that does not convert (see aroundRetype).
    const rewritten =
      step.kind === 'retypeColumn' && schema && schema.key.columns.length
        ? rewrittenRows(plan, index, schema.key.columns)
        : null;
    const around =
      step.kind === 'retypeColumn' && schema && rewritten
        ? aroundRetype(step, schema, rewritten, index)
        : null;
    const context = step.kind === 'retypeColumn' ? { column: step.column } : {};
    for (const st of [...(around?.before ?? []), ...statements, ...(around?.after ?? [])])
      await runAll(run, st, step.kind, step.table, undefined, undefined, context);
    if (around?.end.length) ends.push([step.table, around.end]);
    schemas.delete(step.table);
  }
  let rowsWritten = 0;
  const assignedKeys = new Map<number, (readonly unknown[])[]>();
  for (const [index, step] of plan.steps.entries()) {
    if (isSchemaStep(step)) continue;
    const schema = await schemaOf(step.table);
    if (!schema) throw unknownTable(step.table);
    if (!schema.key.columns.length) throw noPrimaryKey(step.table);
    checkStepKey(index, step, schema);
    const moves = step.kind === 'update' ? dialect.temporaryKeys(step, schema) : null;
    const temporaryKeys = moves ? await ask(run, moves) : undefined;
    // Only an insert that leaves a key column out needs to be told the key the row got.
    const report =
      step.kind === 'insert' && !schema.key.columns.every((k) => step.columns.includes(k));
    const statements = dialect.dataStep(step, schema, {
      guard: null,
      report,
      ...(temporaryKeys ? { temporaryKeys } : {}),
    });
    const returned = report ? [] : undefined;
    for (const st of statements)
      await runAll(run, st, step.kind, step.table, step, returned, {}, schema);
    if (returned) assignedKeys.set(index, returned);
    rowsWritten += step.count;
  }
  for (const [table, statements] of ends) {
    for (const st of statements) await runAll(run, st, 'retypeColumn', table);
    schemas.delete(table);
  }
  // Deferred checks (the library's foreign keys are DEFERRABLE INITIALLY DEFERRED) run here, in
  // the push, rather than at COMMIT: the sync server then refuses and records a push they fail
  // (at its COMMIT it was a failure, "send it again", for ever) and a caller's COMMIT cannot fail.
  await run('SET CONSTRAINTS ALL IMMEDIATE', [], true);
  return { rowsWritten, assignedKeys, schemas };
}

/** Runs a statement once per row; a failure becomes a typed error naming the row. */
async function runAll(
  run: RunStatement,
  st: CompiledStatement<PostgresValue>,
  kind: string,
  table: string,
  step?: DataStep,
  /** Collects the row each run returns, when the statement returns one. */
  returned?: (readonly unknown[])[],
  /** The column a schema step changes, for its error. */
  context: { column?: string } = {},
  /** The table's schema, for a data step's statement (see `statementName`). */
  schema?: TableSchema,
): Promise<void> {
  let i = 0;
  const keep = returned !== undefined && st.returning.length > 0;
  // A write of many rows is prepared once; one of a row, or one that returns rows, is not.
  const name = step && schema && !keep && st.rows > 1 ? statementName(st.sql, schema) : undefined;
  try {
    for (; i < st.rows; i++) {
      const rows = await run(st.sql, st.parameters(i), !keep, name);
      if (keep) returned.push(rows[0] ?? []);
    }
  } catch (e) {
    const key = step ? keyOf(step, i) : undefined;
    throw typedError(e, {
      what: step ? `the ${kind} of a row` : `the ${kind} step`,
      table,
      step: kind,
      ...context,
      ...(key ? { key } : {}),
    });
  }
}

/** The key of row `i` of a data step, when the step gives it. */
function keyOf(step: DataStep, i: number): SqlValue[] | undefined {
  if (step.kind !== 'insert') return rowAt(step.keys, i);
  const at = step.key.map((k) => step.columns.indexOf(k));
  if (!at.length || at.some((j) => j < 0)) return undefined;
  return at.map((j) => step.values[j]![i] ?? null);
}

/**
 * Refuses the push when a row it updates or deletes no longer holds, in the columns it touches,
 * the values its edits were based on: every guard is read before anything is written, and every
 * conflict collected, so the error names them all (as the SQLite engine does).
 */
async function checkGuards(
  run: RunStatement,
  plan: ExecutionPlan,
  schemaOf: (table: string) => Promise<TableSchema | null>,
): Promise<void> {
  const conflicts: ConflictDetail[] = [];
  for (const [index, step] of plan.steps.entries()) {
    if ((step.kind !== 'update' && step.kind !== 'delete') || !step.guard) continue;
    const guard = step.guard;
    const schema = await schemaOf(step.table);
    const field = `steps[${index}].guard`;
    if (!schema) {
      throw new PandalchemyError(
        'invalid_plan',
        `This plan cannot run: ${field} guards rows of table ${JSON.stringify(step.table)}, which does not exist before the push. Nothing was written. Leave guards to table.plan() or db.plan().`,
        { field, step: step.kind, table: step.table },
      );
    }
    if (!same(guard.key, schema.key.columns)) {
      throw wrongKey(field, step, guard.key, schema);
    }
    const kinds = guard.columns.map((c) => schema.columns.find((col) => col.name === c)?.kind);
    collectConflicts(guard, step.table, await readGuard(run, schema, guard), kinds, conflicts);
  }
  if (conflicts.length) throw new ConflictError(conflicts);
}

/** The guarded rows as they are now; null when a guarded column no longer exists. */
async function readGuard(
  run: RunStatement,
  schema: TableSchema,
  guard: Guard,
): Promise<(readonly SqlValue[] | undefined)[] | null> {
  const names = new Set(schema.columns.map((c) => c.name));
  if (!guard.columns.every((c) => names.has(c))) return null;
  return ask(run, dialect.readGuard(schema, guard));
}

function collectConflicts(
  g: Guard,
  table: string,
  rows: (readonly SqlValue[] | undefined)[] | null,
  /** Each guarded column's kind in the database now (another writer may have changed it). */
  kinds: readonly (ColumnKind | undefined)[],
  out: ConflictDetail[],
): void {
  const n = g.keys[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    // No rows: another writer changed the schema, and every guarded column is in question.
    const row = rows ? rows[i] : null;
    if (!row) {
      const missing = rows !== null;
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing });
      continue;
    }
    const differing: string[] = [];
    for (let c = 0; c < g.columns.length; c++) {
      const now = decodeValue(g.kinds[c]!, asStoredBySqlite(row[c] ?? null, g.kinds[c]!, kinds[c]));
      if (!valuesEqual(now, g.expected[c]![i] ?? null)) differing.push(g.columns[c]!);
    }
    if (differing.length)
      out.push({ table, key: rowAt(g.keys, i), columns: differing, missing: false });
  }
}

/**
 * A value of a column another writer changed from DATE to DATETIME as SQLite holds it: the date
 * as it was (its type change keeps `YYYY-MM-DD` text), where PostgreSQL's conversion made it
 * midnight. A guard based on the date then holds in both, as the value did not change.
 */
function asStoredBySqlite(v: SqlValue, guarded: ColumnKind, now: ColumnKind | undefined): SqlValue {
  return guarded === 'date' &&
    now === 'datetime' &&
    typeof v === 'string' &&
    v.endsWith(' 00:00:00')
    ? v.slice(0, 10)
    : v;
}

/** Refuses a data step whose key is not the table's primary key as the step finds it. */
function checkStepKey(index: number, step: DataStep, schema: TableSchema): void {
  if (same(step.key, schema.key.columns)) return;
  if (step.kind === 'insert' && step.key.length === 0) return;
  throw wrongKey(`steps[${index}].key`, step, step.key, schema);
}

function wrongKey(
  field: string,
  step: DataStep,
  given: readonly string[],
  schema: TableSchema,
): PandalchemyError {
  return new PandalchemyError(
    'invalid_plan',
    `This plan cannot run: ${field} (a ${step.kind} step of table ${JSON.stringify(schema.name)}) names key ${JSON.stringify(given)}, but the table's primary key is ${JSON.stringify(schema.key.columns)}. Nothing was written. Build plans with table.plan() or db.plan(), and keep their shape in plan passes.`,
    { field, step: step.kind, table: schema.name },
  );
}

function unknownTable(table: string): PandalchemyError {
  return new PandalchemyError(
    'unknown_table',
    `Table ${JSON.stringify(table)} does not exist in the PostgreSQL database, so the push cannot write to it: check the plan's table names, or create the table first. Nothing was written.`,
    { table },
  );
}

/**
 * A typed error for a PostgreSQL failure: `constraint` (naming table, row and constraint) for a
 * refused write, `invalid_value` for a value its column's type cannot take, `postgres` for
 * anything else. Typed errors pass through.
 */
function typedError(
  e: unknown,
  context: {
    what: string;
    table?: string;
    step?: string;
    column?: string;
    key?: readonly unknown[];
  },
): PandalchemyError {
  if (e instanceof PandalchemyError) return e;
  const failure = dialect.failureOf(e);
  const message = failure?.message ?? (e instanceof Error ? e.message : String(e));
  const { what, ...given } = context;
  // A failure at COMMIT (a deferred foreign key) names its table only in PostgreSQL's error.
  const table = (e as { table?: unknown } | null)?.table;
  const ctx =
    given.table === undefined && typeof table === 'string' && table ? { ...given, table } : given;
  const where = [
    ctx.table !== undefined ? `table '${ctx.table}'` : '',
    ctx.key !== undefined ? `row ${JSON.stringify(ctx.key, bigintReplacer)}` : '',
    failure?.constraint ? `constraint '${failure.constraint}'` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const full = {
    ...ctx,
    ...(failure?.constraint ? { constraint: failure.constraint } : {}),
    ...(failure?.column ? { column: failure.column } : {}),
  };
  const at = where ? ` (${where})` : '';
  if (failure && failure.kind !== 'other' && failure.kind !== 'type') {
    return new PandalchemyError(
      'constraint',
      `PostgreSQL refused ${what}${at}: ${message}. Nothing was written; fix the values and push again.`,
      full,
      e,
    );
  }
  if (failure?.kind === 'type' && ctx.step === 'retypeColumn') {
    return new PandalchemyError(
      'invalid_value',
      `PostgreSQL cannot change the type of column '${String(ctx.column)}'${at}: ${message}. A PostgreSQL column holds values of its type only, so a value SQLite would keep as it is (as retypeColumn() keeps it with { invalid: 'keep' }, or one another writer stored since) cannot stay. Nothing was written: change the type with { invalid: 'null' } or { invalid: 'error' } instead, or fix those values first.`,
      full,
      e,
    );
  }
  if (failure?.kind === 'type') {
    return new PandalchemyError(
      'invalid_value',
      `PostgreSQL could not take a value in ${what}${at}: ${message}. Nothing was written; fix the value (see the type mapping of pandalchemy/postgres) and push again.`,
      full,
      e,
    );
  }
  return new PandalchemyError(
    'postgres',
    `PostgreSQL failed during ${what}${at}: ${message}. Nothing was written.`,
    full,
    e,
  );
}
