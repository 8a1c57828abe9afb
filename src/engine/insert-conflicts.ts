import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import {
  conflictList,
  ConflictError,
  PandalchemyError,
  type ConflictDetail,
} from '../errors/pandalchemy-error';
import type { ColumnValues, ExecutionPlan, InsertStep } from '../plan/execution-plan';
import type { ChangedSince } from './check-guards';
import { findTable } from './introspect';
import { ask, type SqlDatabase } from './sqlite';

/**
 * After a push failed on the key of a row it inserts, and was rolled back: throws a conflict for
 * every inserted row whose key another writer took after the plan's basis, if any.
 *
 * A plan with a basis was made from a table that held all its rows as of that commit, where no row
 * held the key (a row deleted and inserted again is an update): a row holding it now was written
 * by a later commit. That is a concurrent edit, reported as a conflict so that `refresh()` rebases
 * the insert over the other writer's row, as between tabs and between synced devices; not a
 * constraint the user has to repair. Where the commits since the basis are known row by row, a
 * key they did not write stays a constraint failure.
 */
export function throwInsertConflicts(
  db: SqlDatabase,
  plan: ExecutionPlan,
  failure: unknown,
  changedSince: ChangedSince | undefined,
): void {
  if (!(failure instanceof PandalchemyError) || failure.code !== 'constraint') return;
  if (failure.step !== 'insert' || !plan.basis?.length) return;
  const basis = new Map(plan.basis.map((b) => [b.table, b.seq]));
  const conflicts: ConflictDetail[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'insert') continue;
    const seq = basis.get(step.table);
    if (seq === undefined) continue;
    const at = step.key.map((k) => step.columns.indexOf(k));
    if (!at.length || at.some((c) => c < 0)) continue;
    const keys = at.map((c) => step.values[c]!);
    const changed = changedSince?.(step.table, seq, Infinity);
    // No commit since the basis wrote the table: a key taken is no other writer's doing (say a
    // row that only a COLLATE NOCASE key makes the same), and stays a constraint failure.
    if (changed?.size === 0) continue;
    const known = changed?.keyedBy(step.key) ? changed : null;
    const taken = takenKeys(db, step, keys);
    for (const i of taken) {
      if (known && !known.has(keys, i)) continue;
      conflicts.push({
        table: step.table,
        key: keys.map((col) => col[i] ?? null),
        columns: step.columns.filter((c) => !step.key.includes(c)),
        missing: false,
      });
    }
  }
  if (conflicts.length) throw new ConflictError(conflicts, insertConflictMessage(conflicts));
}

/** The rows of `step` (by index) whose key some stored row holds: the dialect's read by key. */
function takenKeys(db: SqlDatabase, step: InsertStep, keys: readonly ColumnValues[]): number[] {
  const info = findTable(db, step.table);
  if (!info) return [];
  const rows = ask(db, sqliteDialect.readRows(info, step.key, keys));
  const taken: number[] = [];
  rows.forEach((row, i) => {
    if (row !== undefined) taken.push(i);
  });
  return taken;
}

/**
 * What to do about inserts whose keys another writer took. Not `overwrite`: an insert has no row
 * of its own to overwrite; a rebase that keeps local edits makes it an update of their row.
 */
function insertConflictMessage(conflicts: readonly ConflictDetail[]): string {
  return (
    `Another writer inserted ${conflicts.length} row(s) under keys this push inserts: ${conflictList(conflicts, false)}. ` +
    "Nothing was written and your edits are kept: refresh({ policy: 'keepLocal' }) makes your inserts updates of their rows (your values win), refresh() keeps theirs."
  );
}
