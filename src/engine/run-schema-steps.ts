import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import type { SqliteSchemaStatement } from '../dialect/sqlite/sqlite-schema-step';
import type { PlanStep, SchemaStep } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import { checkIndexStep, uniqueIndexError } from './index-steps';
import { findTable } from './introspect';
import { RETYPE_MARK } from './redo-ddl';
import { runSchemaStatement } from './retype-column';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { selectRows, type SqlDatabase } from './sqlite';
import { sqliteError } from './sqlite-error';

/** What the schema steps of a push did. */
export interface SchemaStepsRun {
  /** The statements as a redo record replays them. */
  readonly ddl: string[];
  /** Tables whose schema changed. */
  readonly changed: Set<string>;
  /** Tables dropped (and not created again after). */
  readonly dropped: Set<string>;
  /** Tables dropped and then created again by the same steps: another table under that name. */
  readonly recreated: Set<string>;
}

/**
 * Runs the plan's schema steps in order, each as the SQLite dialect builds it from the table as it
 * is then, with the statements the dialect puts around them (placeholder columns).
 */
export function runSchemaSteps(db: SqlDatabase, steps: readonly PlanStep[]): SchemaStepsRun {
  const run: SchemaStepsRun = {
    ddl: [],
    changed: new Set(),
    dropped: new Set(),
    recreated: new Set(),
  };
  const around = sqliteDialect.schemaStepsAround(
    steps,
    (table) => findTable(db, table)?.columns.length ?? null,
  );
  const record = (st: SqliteSchemaStatement): void => {
    runSchemaStatement(db, st);
    run.ddl.push(st.sql);
  };
  for (const st of around.before) record(st);
  for (const step of steps) {
    if (!isSchemaStep(step)) continue;
    runSchemaStep(db, step, run.ddl);
    run.changed.add(step.table);
    if (step.kind === 'createTable' && run.dropped.has(step.table)) run.recreated.add(step.table);
    if (step.kind === 'dropTable') run.dropped.add(step.table);
    else run.dropped.delete(step.table);
  }
  for (const st of around.after) record(st);
  return run;
}

function runSchemaStep(db: SqlDatabase, step: SchemaStep, ddl: string[]): void {
  try {
    if (step.kind === 'createIndex' || step.kind === 'dropIndex') checkIndexStep(db, step);
    if (step.kind === 'createTable') checkNameFree(db, step.table);
    // Only a type change is built from the table as it is (its CREATE TABLE text, its triggers).
    const info = step.kind === 'retypeColumn' ? findTable(db, step.table) : null;
    const statements = sqliteDialect.schemaStep(step, info);
    for (const st of statements) runSchemaStatement(db, st);
    // A type change is not one statement a redo record could hold: it names the change, and
    // replay runs the same procedure, which on the same prior state does exactly the same.
    if (step.kind === 'retypeColumn')
      ddl.push(RETYPE_MARK + JSON.stringify([step.table, step.column, step.declaredType]));
    else for (const st of statements) ddl.push(st.sql);
  } catch (e) {
    if (step.kind === 'createIndex') {
      const unique = uniqueIndexError(db, step, e);
      if (unique) throw unique;
    }
    const column =
      step.kind === 'renameColumn'
        ? step.from
        : 'column' in step && typeof step.column === 'string'
          ? step.column
          : undefined;
    throw sqliteError(e, {
      what: `the ${step.kind} step`,
      table: step.table,
      step: step.kind,
      ...(column !== undefined ? { column } : {}),
    });
  }
}

/**
 * Refuses a new table whose name another table, view or index of the database has, in any ASCII
 * case (SQLite folds only those): `name_taken`, where SQLite's own refusal is a plain error.
 */
function checkNameFree(db: SqlDatabase, name: string): void {
  const taken = selectRows(
    db,
    `SELECT type, name FROM sqlite_schema WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view', 'index')`,
    [name],
  )[0];
  if (!taken) return;
  throw new PandalchemyError(
    'name_taken',
    `The database already has ${String(taken[0])} ${JSON.stringify(taken[1])}, and names differing only in case are the same name to SQLite: choose another name for the new table, or drop that ${String(taken[0])} first.`,
    { table: name },
  );
}
