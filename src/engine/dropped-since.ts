import { ConflictError, type ConflictDetail } from '../errors/pandalchemy-error';
import { isSchemaStep, type DataStep, type ExecutionPlan } from '../plan/execution-plan';

/**
 * Whether a commit after `seq` dropped `table`, as far as the commits the engine keeps tell (false
 * where they do not reach back to `seq`).
 */
export type DroppedSince = (table: string, seq: number) => boolean;

/** The message of a push whose table was dropped since the edits were based on it. */
export function droppedTableMessage(table: string): string {
  return `Another writer dropped table ${JSON.stringify(table)} since your edits were based on it. Nothing was written and your edits are kept: refresh() reports the edits it cannot make again and drops them.`;
}

/**
 * Refuses the data steps of a table that a commit after the plan's basis dropped, as a conflict
 * naming each row: the rows the edits were made on are gone even where a table of that name was
 * created since, and an insert or an update whose key the new table happens to hold would land
 * in a table its writer never saw. A plan that creates the table itself writes to its own table.
 */
export function checkNotDropped(plan: ExecutionPlan, droppedSince: DroppedSince | undefined): void {
  if (!plan.basis || !droppedSince) return;
  const created = new Set(plan.steps.filter((s) => s.kind === 'createTable').map((s) => s.table));
  const gone = new Set(
    plan.basis
      .filter((b) => !created.has(b.table) && droppedSince(b.table, b.seq))
      .map((b) => b.table),
  );
  if (!gone.size) return;
  const rows: ConflictDetail[] = [];
  let table: string | null = null;
  for (const step of plan.steps) {
    if (isSchemaStep(step) || !gone.has(step.table)) continue;
    table ??= step.table;
    for (let i = 0; i < step.count; i++) rows.push(rowOf(step, i));
  }
  if (table !== null) throw new ConflictError(rows, droppedTableMessage(table));
}

function rowOf(step: DataStep, i: number): ConflictDetail {
  if (step.kind === 'insert') {
    return {
      table: step.table,
      key: step.key.map((k) => step.values[step.columns.indexOf(k)]?.[i] ?? null),
      columns: step.columns,
      missing: true,
    };
  }
  return {
    table: step.table,
    key: step.keys.map((c) => c[i] ?? null),
    columns: step.kind === 'update' ? step.set : [],
    missing: true,
  };
}
