import type { DataStep, Guard } from '../plan/execution-plan';
import { runDelete } from './run-delete';
import { runInsert } from './run-insert';
import { runUpdate } from './run-update';
import type { SqlDatabase } from './sqlite';
import type { TableTouch } from './table-touch';

/**
 * Runs one data step. `logged`: the change log reports the rows written (and rowids moved);
 * otherwise the step reports them to `touch` itself (see `needsChangeLog`: then every written
 * rowid table is keyed by its rowid, and nothing but the step's own statements changes rows).
 * `guard`: checked inside the step's statement (see `inlineGuardSteps`); a row it does not find
 * throws `GuardMiss`.
 */
export function runDataStep(
  db: SqlDatabase,
  step: DataStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null,
): void {
  switch (step.kind) {
    case 'delete':
      return runDelete(db, step, touch, progress, logged, guard);
    case 'update':
      return runUpdate(db, step, touch, progress, logged, guard);
    case 'insert':
      return runInsert(db, step, touch, progress, logged);
  }
}
