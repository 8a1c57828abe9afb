import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { ConflictError, type ConflictDetail } from '../errors/pandalchemy-error';
import type { ExecutionPlan, Guard, PlanStep } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import { decodeValue } from '../values/codec';
import type { SqlValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { narrowGuard, type ChangedKeys } from './changed-keys';
import { rowAt } from './each-row';
import { findTable } from './introspect';
import { RowSelect } from './row-select';
import { ask, type SqlDatabase } from './sqlite';
import { messageOf } from './sqlite-error';

/**
 * The rows of `table` that commits after `seq` wrote or deleted; null when that is not known (the
 * table's schema changed, or `seq` is older than the commits kept) or they are more than `limit`.
 */
export type ChangedSince = (table: string, seq: number, limit: number) => ChangedKeys | null;

/**
 * The plan's steps, each guard cut down to the rows that commits since the plan's basis may have
 * changed (none: no guard at all); every other row holds what the edits were based on. Tables
 * whose schema the plan changes keep their guards whole: guards are checked before schema steps
 * run, under the names the steps use.
 */
export function scopeGuards(
  plan: ExecutionPlan,
  changedSince: ChangedSince | undefined,
): readonly PlanStep[] {
  if (!plan.basis || !changedSince) return plan.steps;
  const reshaped = new Set(plan.steps.filter(isSchemaStep).map((s) => s.table));
  // Guarded rows per table: gathering the keys commits wrote costs far less per row than checking
  // a guard (a Set entry against binding or reading values), but past several times as many rows
  // as the guards have, checking them all is cheaper.
  const guarded = new Map<string, number>();
  for (const step of plan.steps) {
    const guard = guardOf(step);
    if (guard)
      guarded.set(step.table, (guarded.get(step.table) ?? 0) + (guard.keys[0]?.length ?? 0));
  }
  const changed = new Map<string, ChangedKeys>();
  for (const b of plan.basis) {
    const rows = guarded.get(b.table);
    if (rows === undefined || reshaped.has(b.table)) continue;
    const keys = changedSince(b.table, b.seq, rows * 8 + 1024);
    if (keys) changed.set(b.table, keys);
  }
  if (!changed.size) return plan.steps;
  return plan.steps.map((step) => {
    const whole = guardOf(step);
    const keys = changed.get(step.table);
    if (!whole || !keys) return step;
    const guard = narrowGuard(whole, keys);
    return guard === whole ? step : { ...step, guard };
  });
}

/** The guard of an update or delete step, if it has one. */
function guardOf(step: PlanStep): Guard | null {
  return step.kind === 'update' || step.kind === 'delete' ? step.guard : null;
}

/**
 * Refuses the push when a row it updates or deletes no longer holds, in the columns it touches,
 * the values its edits were based on. Every conflict is collected, so the error names them all.
 */
export function checkGuards(db: SqlDatabase, steps: readonly PlanStep[]): void {
  const conflicts: ConflictDetail[] = [];
  for (const step of steps) {
    const guard = guardOf(step);
    if (guard) checkGuard(db, step.table, guard, conflicts);
  }
  if (conflicts.length) throw new ConflictError(conflicts);
}

function checkGuard(db: SqlDatabase, table: string, g: Guard, out: ConflictDetail[]): void {
  const info = findTable(db, table);
  const n = g.keys[0]?.length ?? 0;
  if (!info) {
    for (let i = 0; i < n; i++)
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: true });
    return;
  }
  let rows: (readonly SqlValue[] | undefined)[];
  try {
    // Text read as its UTF-8 bytes where the database holds UTF-8 (see `RowSelect`).
    rows = ask(
      db,
      sqliteDialect.readGuard(
        info,
        g,
        (expressions, kinds) => new RowSelect(db, expressions, kinds),
      ),
    );
  } catch (e) {
    // A guarded column that no longer exists: another writer changed the schema.
    for (let i = 0; i < n; i++)
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: false });
    void messageOf(e);
    return;
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!row) {
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: true });
      continue;
    }
    const differing: string[] = [];
    for (let c = 0; c < g.columns.length; c++) {
      const now = decodeValue(g.kinds[c]!, row[c] ?? null);
      if (!valuesEqual(now, g.expected[c]![i] ?? null)) differing.push(g.columns[c]!);
    }
    if (differing.length)
      out.push({ table, key: rowAt(g.keys, i), columns: differing, missing: false });
  }
}
