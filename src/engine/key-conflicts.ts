import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import {
  conflictList,
  ConflictError,
  PandalchemyError,
  type ConflictDetail,
} from '../errors/pandalchemy-error';
import type { ColumnValues, ExecutionPlan, InsertStep, UpdateStep } from '../plan/execution-plan';
import { ChangedKeys } from './changed-keys';
import type { ChangedSince } from './check-guards';
import { findTable } from './introspect';
import { ask, type SqlDatabase } from './sqlite';

/**
 * After a push failed on a key, and was rolled back: throws a conflict for every row it inserts,
 * or moves to another key, whose key another writer took after the plan's basis, if any.
 *
 * A plan with a basis was made from a table that held all its rows as of that commit, where no row
 * held the key (a row deleted and inserted again is an update; a key moved onto is one no row
 * kept): a row holding it now was written by a later commit. That is a concurrent edit, reported
 * as a conflict so that `refresh()` rebases the edit over the other writer's row, as between tabs
 * and between synced devices; not a constraint the user has to repair. Where the commits since
 * the basis are known row by row, a key they did not write stays a constraint failure.
 */
export function throwKeyConflicts(
  db: SqlDatabase,
  plan: ExecutionPlan,
  failure: unknown,
  changedSince: ChangedSince | undefined,
): void {
  if (!(failure instanceof PandalchemyError) || failure.code !== 'constraint') return;
  if ((failure.step !== 'insert' && failure.step !== 'update') || !plan.basis?.length) return;
  const basis = new Map(plan.basis.map((b) => [b.table, b.seq]));
  const inserts: ConflictDetail[] = [];
  const moves: ConflictDetail[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'insert' && step.kind !== 'update') continue;
    const seq = basis.get(step.table);
    if (seq === undefined) continue;
    const target = targetKeys(step);
    if (!target) continue;
    const changed = changedSince?.(step.table, seq, Infinity);
    // No commit since the basis wrote the table: a key taken is no other writer's doing (say a
    // row that only a COLLATE NOCASE key makes the same), and stays a constraint failure.
    if (changed?.size === 0) continue;
    const known = changed?.keyedBy(step.key) ? changed : null;
    // Keys the push itself frees (rows it moves away or deletes) were held at the basis by those
    // rows: a row moved onto one takes it over (a swap), no other writer's doing.
    const freed = step.kind === 'update' ? freedKeys(plan, step.table, step.key) : null;
    for (const i of takenKeys(db, step.table, step.key, target)) {
      if (known && !known.has(target, i)) continue;
      if (freed?.has(target, i)) continue;
      if (step.kind === 'insert') {
        inserts.push({
          table: step.table,
          key: target.map((col) => col[i] ?? null),
          columns: step.columns.filter((c) => !step.key.includes(c)),
          missing: false,
        });
      } else {
        moves.push({
          table: step.table,
          key: step.keys.map((col) => col[i] ?? null),
          columns: step.set.filter((c) => step.key.includes(c)),
          missing: false,
        });
      }
    }
  }
  if (inserts.length) throw new ConflictError(inserts, insertConflictMessage(inserts));
  if (moves.length) throw new ConflictError(moves, moveConflictMessage(moves));
}

/**
 * The keys a step's rows have after it, per key column: an insert's given keys, an update's keys
 * where it sets a key column. Null for a step that gives no whole key or moves none.
 */
function targetKeys(step: InsertStep | UpdateStep): readonly ColumnValues[] | null {
  if (step.kind === 'insert') {
    const at = step.key.map((k) => step.columns.indexOf(k));
    if (!at.length || at.some((c) => c < 0)) return null;
    return at.map((c) => step.values[c]!);
  }
  if (!step.key.some((k) => step.set.includes(k))) return null;
  return step.key.map((k, j) => {
    const s = step.set.indexOf(k);
    return s >= 0 ? step.values[s]! : step.keys[j]!;
  });
}

/** The keys the plan's rows of `table` leave: those of rows it deletes or moves to another key. */
function freedKeys(plan: ExecutionPlan, table: string, key: readonly string[]): ChangedKeys {
  const freed = new ChangedKeys();
  for (const s of plan.steps) {
    if (s.table !== table || (s.kind !== 'delete' && s.kind !== 'update')) continue;
    if (s.kind === 'update' && !s.key.some((k) => s.set.includes(k))) continue;
    if (s.key.length === key.length && s.key.every((k, j) => k === key[j])) freed.addKeys(s.keys);
  }
  return freed;
}

/** The rows (by index) whose key some stored row of `table` holds: the dialect's read by key. */
function takenKeys(
  db: SqlDatabase,
  table: string,
  key: readonly string[],
  keys: readonly ColumnValues[],
): number[] {
  const info = findTable(db, table);
  if (!info) return [];
  const rows = ask(db, sqliteDialect.readRows(info, key, keys));
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

/** What to do about rows moved onto keys another writer took. */
function moveConflictMessage(conflicts: readonly ConflictDetail[]): string {
  return (
    `Another writer took the keys ${conflicts.length} row(s) of this push move to: ${conflictList(conflicts)}. ` +
    'Nothing was written and your edits are kept: refresh() takes their rows in and reports your key changes, or choose keys no row holds.'
  );
}
