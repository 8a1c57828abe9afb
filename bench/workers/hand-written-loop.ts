import type { SqlDatabase } from '../../src/engine/sqlite';
import type { ColumnValues, DataStep, ExecutionPlan } from '../../src/plan/execution-plan';
import { quoteIdentifier as q } from '../../src/dialect/quote-identifier';
import type { SqlValue } from '../../src/values/sql-value';

/**
 * The strongest hand-written loop for the writes of a plan: the rows in the plan's order (key
 * order), one prepared statement per step, one parameter array reused for every row, one
 * transaction, nothing read back. It is what a competent engineer writes when the edits are at
 * hand as columns, and what the library's apply must beat.
 *
 * `guarded`: each UPDATE and DELETE also checks, in its WHERE clause, that the row holds the
 * values the plan's guard expects, and the loop throws when a row does not match, as optimistic
 * concurrency by hand does.
 *
 * @example
 * ```ts
 * applyByHand(db, plan, false);
 * ```
 */
export function applyByHand(db: SqlDatabase, plan: ExecutionPlan, guarded: boolean): void {
  db.run('BEGIN');
  try {
    for (const step of plan.steps) {
      if (step.kind === 'delete' || step.kind === 'update' || step.kind === 'insert')
        runStep(db, step, guarded);
      else throw new Error(`the hand-written loop runs data steps only, not ${step.kind}`);
    }
    db.run('COMMIT');
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
}

const at = (c: ColumnValues, i: number): SqlValue => c[i] ?? null;

function runStep(db: SqlDatabase, step: DataStep, guarded: boolean): void {
  const t = q(step.table);
  const guard = guarded && step.kind !== 'insert' ? step.guard : null;
  const where = [
    ...step.key.map((k) => `${q(k)} = ?`),
    ...(guard?.columns.map((c) => `${q(c)} IS ?`) ?? []),
  ].join(' AND ');
  const sql =
    step.kind === 'delete'
      ? `DELETE FROM ${t} WHERE ${where}`
      : step.kind === 'update'
        ? `UPDATE ${t} SET ${step.set.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${where}`
        : `INSERT INTO ${t} (${step.columns.map(q).join(', ')}) VALUES (${step.columns.map(() => '?').join(', ')})`;
  // The parameters of one row, in statement order: set values, keys, expected values.
  const columns: readonly (ColumnValues | readonly unknown[])[] =
    step.kind === 'insert'
      ? step.values
      : [...(step.kind === 'update' ? step.values : []), ...step.keys, ...(guard?.expected ?? [])];
  const params = new Array<SqlValue>(columns.length);
  const stmt = db.prepare(sql);
  try {
    for (let i = 0; i < step.count; i++) {
      for (let c = 0; c < columns.length; c++) params[c] = at(columns[c] as ColumnValues, i);
      stmt.run(params);
      if (guard && db.getRowsModified() !== 1)
        throw new Error(`row ${i} of the ${step.kind} step does not hold its expected values`);
    }
  } finally {
    stmt.free();
  }
}
