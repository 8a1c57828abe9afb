import { ConflictError, PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnValues, DataStep, ExecutionPlan } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import { droppedTableMessage } from './dropped-since';
import { findTable } from './introspect';
import type { SqlDatabase } from './sqlite';

function wrongKey(
  index: number,
  step: DataStep,
  field: string,
  given: readonly string[],
  info: TableInfo,
): PandalchemyError {
  const key = info.key.columns;
  return new PandalchemyError(
    'invalid_plan',
    `This plan cannot run: steps[${index}].${field} (${article(step.kind)} step of table ${JSON.stringify(info.name)}) ` +
      `names key ${JSON.stringify(given)}, but the table's key is ${JSON.stringify(key)}. Nothing was written. ` +
      'Build plans with table.plan() or db.plan(), and keep their shape in plan passes.',
    { field: `steps[${index}].${field}`, step: step.kind, table: info.name },
  );
}

/** `a delete`, `an insert`. */
export function article(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Refuses a data step whose key columns are not the table's key as the step finds it (after the
 * push's schema steps): rows are found by these columns, so any others would write other rows.
 * An insert may leave its key empty: it gives whatever columns it lists.
 */
export function checkStepKey(index: number, step: DataStep, info: TableInfo): void {
  const key = info.key.columns;
  if (!same(step.key, key) && !(step.kind === 'insert' && step.key.length === 0))
    throw wrongKey(index, step, 'key', step.key, info);
  if (step.kind !== 'insert') checkNoNullKey(index, step, info);
}

/**
 * Refuses an update or delete of a row whose key holds NULL. SQLite lets a PRIMARY KEY other than
 * INTEGER PRIMARY KEY hold NULL (a rowid table's old quirk), but `=` finds no row by it: the
 * statement would write nothing, and the push would resolve as if it had.
 */
function checkNoNullKey(
  index: number,
  step: DataStep & { keys: readonly ColumnValues[] },
  info: TableInfo,
): void {
  step.keys.forEach((values, k) => {
    if (values instanceof Float64Array) return;
    for (let i = 0; i < step.count; i++) {
      if (values[i] !== null && values[i] !== undefined) continue;
      const column = step.key[k]!;
      throw new PandalchemyError(
        'null_key',
        `Row ${i} of the ${step.kind} step of table ${JSON.stringify(info.name)} (steps[${index}]) is named by a NULL in key column ${JSON.stringify(column)}. ` +
          'SQLite lets a PRIMARY KEY that is not INTEGER PRIMARY KEY hold NULL, but no row can be found by it, so it cannot be updated or deleted by key. ' +
          'Nothing was written and your edits are kept: leave that row alone (discard its edits), or give it a key outside pandalchemy first.',
        { table: info.name, column, step: step.kind },
      );
    }
  });
}

/**
 * Refuses guards whose key columns are not their table's key before the push (guards hold the
 * values rows had then), and guards on tables that do not exist yet: no row of such a table can
 * have been read.
 */
export function checkGuardKeys(db: SqlDatabase, plan: ExecutionPlan): void {
  const before = new Map<string, TableInfo | null>();
  plan.steps.forEach((step, index) => {
    if ((step.kind !== 'update' && step.kind !== 'delete') || step.guard === null) return;
    if (!before.has(step.table)) before.set(step.table, findTable(db, step.table));
    const info = before.get(step.table)!;
    if (!info && plan.basis?.some((b) => b.table === step.table)) {
      // The table was there when the edits were made (the plan says as of which commit): another
      // writer dropped it since. Its rows are gone, as a conflict names them.
      const g = step.guard;
      const rows = g.keys[0]?.length ?? 0;
      throw new ConflictError(
        Array.from({ length: rows }, (_, i) => ({
          table: step.table,
          key: g.keys.map((col) => col[i] ?? null),
          columns: [...g.columns],
          missing: true,
        })),
        droppedTableMessage(step.table),
      );
    }
    if (!info) {
      throw new PandalchemyError(
        'invalid_plan',
        `This plan cannot run: steps[${index}].guard (${article(step.kind)} step) guards rows of table ${JSON.stringify(step.table)}, ` +
          'which does not exist before the push. Nothing was written. Leave guards to table.plan() or db.plan().',
        { field: `steps[${index}].guard`, step: step.kind, table: step.table },
      );
    }
    if (!same(step.guard.key, info.key.columns))
      throw wrongKey(index, step, 'guard.key', step.guard.key, info);
  });
}
