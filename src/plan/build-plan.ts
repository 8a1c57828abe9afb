import {
  PLAN_VERSION,
  STEP_ORDER,
  type ExecutionPlan,
  type PlanPass,
  type PlanStep,
  type RenameColumnStep,
  type SchemaStep,
  type UpdateStep,
} from './execution-plan';
import type { TableDiff } from './table-diff';
import { existenceGuard } from './existence-guard';

/** Options of {@link buildPlan}. */
export interface BuildPlanOptions {
  /** Steps that come from outside tracked tables (create or drop a table), merged by kind. */
  readonly steps?: readonly PlanStep[];
  /** Passes run in order on the built plan: the extension point for custom optimisations. */
  readonly passes?: readonly PlanPass[];
  /**
   * Guards that compare no values (a push that overwrites whatever other writers did): only that
   * each row an update writes is still there.
   */
  readonly withoutGuards?: boolean;
}

/**
 * Orders the net changes of several tables into one plan: schema steps (drops, renames, adds,
 * type changes), then deletes, updates (key changes first), inserts. Renames that form cycles go
 * through temporary names.
 *
 * @example
 * ```ts
 * const plan = buildPlan([diffTable(users), diffTable(orders)]);
 * ```
 */
export function buildPlan(
  diffs: readonly TableDiff[],
  options: BuildPlanOptions = {},
): ExecutionPlan {
  const steps: PlanStep[] = [...(options.steps ?? [])];
  for (const d of diffs) steps.push(...stepsOf(d, options.withoutGuards === true));
  // Stable sort: within a kind, tables keep their order and steps their order.
  steps.sort((a, b) => STEP_ORDER[a.kind] - STEP_ORDER[b.kind]);
  let plan: ExecutionPlan = { version: PLAN_VERSION, steps };
  for (const pass of options.passes ?? []) plan = pass(plan);
  return plan;
}

function stepsOf(d: TableDiff, withoutGuards: boolean): PlanStep[] {
  const table = d.table;
  const out: PlanStep[] = [];
  for (const index of d.indexDrops ?? []) out.push({ kind: 'dropIndex', table, index });
  for (const column of d.drops) out.push({ kind: 'dropColumn', table, column });
  out.push(...orderRenames(table, d.renames, d.drops));
  for (const column of d.adds) out.push({ kind: 'addColumn', table, column });
  for (const r of d.retypes) {
    out.push({
      kind: 'retypeColumn',
      table,
      column: r.column,
      declaredType: r.declaredType,
      ...(r.changes?.before.length ? { changes: r.changes } : {}),
    } satisfies SchemaStep);
  }
  for (const ix of d.indexCreates ?? []) out.push({ kind: 'createIndex', table, ...ix });
  if (d.deletes && d.deletes.keys[0]?.length) {
    out.push({
      kind: 'delete',
      table,
      key: d.keyAfter,
      keyTypes: d.keyTypes,
      keys: d.deletes.keys,
      count: d.deletes.keys[0].length,
      guard: withoutGuards ? null : d.deletes.guard,
    });
  }
  if (d.rekeys && d.rekeys.keys[0]?.length) {
    const step: UpdateStep = {
      kind: 'update',
      table,
      key: d.keyAfter,
      keyTypes: d.keyTypes,
      keys: d.rekeys.keys,
      set: d.keyAfter,
      types: d.keyTypes,
      values: d.rekeys.newKeys,
      count: d.rekeys.keys[0].length,
      guard: withoutGuards ? existenceGuard(d.rekeys.guard) : d.rekeys.guard,
    };
    out.push(step);
  }
  for (const u of d.updates) {
    const count = u.keys[0]?.length ?? 0;
    if (!count) continue;
    out.push({
      kind: 'update',
      table,
      key: d.keyAfter,
      keyTypes: d.keyTypes,
      keys: u.keys,
      set: u.set,
      types: u.types,
      values: u.values,
      count,
      guard: withoutGuards ? existenceGuard(u.guard) : u.guard,
    });
  }
  for (const ins of d.inserts) {
    const count = ins.count;
    if (!count) continue;
    out.push({
      kind: 'insert',
      table,
      key: d.keyAfter,
      keyTypes: d.keyTypes,
      columns: ins.columns,
      types: ins.types,
      values: ins.values,
      count,
    });
  }
  return out;
}

/**
 * Renames in an order that never takes a name still in use: a rename waits while its target is
 * the current name of another column to be renamed; a cycle (a swap) is broken by moving one
 * column to a temporary name first.
 */
function orderRenames(
  table: string,
  renames: TableDiff['renames'],
  dropped: readonly string[],
): RenameColumnStep[] {
  const pending = renames.map((r) => ({ from: r.from, to: r.to }));
  const out: RenameColumnStep[] = [];
  const taken = new Set([...renames.map((r) => r.from), ...renames.map((r) => r.to), ...dropped]);
  let tmp = 0;
  const step = (from: string, to: string): RenameColumnStep => ({
    kind: 'renameColumn',
    table,
    from,
    to,
  });
  while (pending.length) {
    const i = pending.findIndex((r) => !pending.some((o) => o !== r && o.from === r.to));
    if (i >= 0) {
      const [r] = pending.splice(i, 1);
      out.push(step(r!.from, r!.to));
      continue;
    }
    let name: string;
    do name = `__pandalchemy_tmp_${tmp++}`;
    while (taken.has(name));
    taken.add(name);
    const r = pending[0]!;
    out.push(step(r.from, name));
    r.from = name;
  }
  return out;
}
