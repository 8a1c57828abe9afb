import { ConflictError, PandalchemyError } from '../errors/pandalchemy-error';
import { isSchemaStep, type ExecutionPlan } from '../plan/execution-plan';
import type { ChangedSince } from './check-guards';

/** What SQLite says when a schema step meets another schema than the one it was made for. */
const OTHER_SCHEMA =
  /duplicate column name|no such column|already exists|no such index|no such table/i;

/**
 * After a push failed in a schema step, and was rolled back: throws a conflict when the step met
 * another schema than the one its table had as of the plan's basis (a column added, renamed or
 * dropped by another writer since: "duplicate column name: c"), which commits since the basis
 * show. That is a concurrent edit, which `refresh()` rebases (reporting the schema edits it
 * cannot make again), not an SQLite failure the user has to repair.
 */
export function throwSchemaConflicts(
  plan: ExecutionPlan,
  failure: unknown,
  changedSince: ChangedSince | undefined,
): void {
  if (!(failure instanceof PandalchemyError) || failure.code === 'conflict') return;
  const step = plan.steps.find((s) => s.kind === failure.step && s.table === failure.table);
  if (!step || !isSchemaStep(step) || failure.table === undefined) return;
  if (!OTHER_SCHEMA.test(failure.sqliteMessage ?? '')) return;
  const seq = plan.basis?.find((b) => b.table === failure.table)?.seq;
  if (seq === undefined) return;
  // Null: some commit since cannot be told row by row, as a schema change cannot.
  const changed = changedSince?.(failure.table, seq, Infinity);
  if (changed !== null) return;
  const column = failure.column;
  throw new ConflictError(
    [
      {
        table: failure.table,
        key: [],
        columns: column === undefined ? [] : [column],
        missing: false,
      },
    ],
    `Another writer changed the schema of table ${JSON.stringify(failure.table)} since your edits were based on it: ` +
      `the ${failure.step} step${column === undefined ? '' : ` of column ${JSON.stringify(column)}`} failed (${failure.sqliteMessage}). ` +
      'Nothing was written and your edits are kept: refresh() rebases them onto the new schema and reports the schema edits it cannot make again.',
  );
}
