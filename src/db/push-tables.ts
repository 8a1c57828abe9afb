import { PandalchemyError } from '../errors/pandalchemy-error';
import { buildPlan } from '../plan/build-plan';
import type { ExecutionPlan, TableBasis } from '../plan/execution-plan';
import { ownedPlan } from '../plan/plan-transfer';
import type { TableDiff } from '../plan/table-diff';
import { diffTableSliced } from '../table/diff-table';
import { commitPlan } from './commit-plan';
import type { DatabaseState } from './database-state';
import type { DatabaseTable } from './database-table';
import type { PushOptions, PushResult } from './push-result';
import { droppedTableError } from '../table/dropped-edits';
import { outboxOf } from './sync-host-of';
import { checkOptions } from '../errors/check-options';

const PLAN_OPTIONS = { conflict: ['fail', 'overwrite'], passes: 'functions' } as const;
const PUSH_OPTIONS = { ...PLAN_OPTIONS, onProgress: 'function' } as const;
import { wasDropped } from './take-commits';

/**
 * `push()`: builds the plan of the tables' pending changes, says what each table's stored values
 * are as of, and commits it in one transaction. Tables without changes are left out; with none
 * at all nothing runs.
 *
 * @example
 * ```ts
 * const result = await pushTables(state, [orders], { conflict: 'fail' });
 * ```
 */
export async function pushTables(
  state: DatabaseState,
  tables: readonly DatabaseTable[],
  options: PushOptions = {},
): Promise<PushResult> {
  state.assertOpen();
  checkOptions('push()', options, PUSH_OPTIONS);
  for (const t of tables) {
    if (state.loaded.get(t.name)?.table !== t) {
      throw new PandalchemyError(
        'invalid_argument',
        `Table '${t.name}' does not belong to database '${state.name}'.`,
        { table: t.name },
      );
    }
  }
  return state.afterPushes(() => pushNow(state, tables, options));
}

/** {@link pushTables} once the pushes before it settled: what is pending now. */
async function pushNow(
  state: DatabaseState,
  tables: readonly DatabaseTable[],
  options: PushOptions,
): Promise<PushResult> {
  state.assertOpen();
  const start = performance.now();
  const changed = tables.filter((t) => t.hasChanges);
  if (!changed.length) {
    return {
      seq: state.seq,
      tables: [],
      rowsWritten: 0,
      bytesPersisted: 0,
      applyMs: 0,
      persistMs: 0,
      totalMs: 0,
      conflicts: [],
    };
  }
  for (const t of changed) {
    const l = state.loaded.get(t.name);
    if (l && wasDropped(l)) throw droppedTableError(t);
  }
  const basis = basisOf(state, changed);
  // The plan of a million changed rows is built in slices, the page running in between: the
  // tables are locked meanwhile, so that what the plan holds is what they hold.
  for (const t of changed) t.lock('a push of this table is in flight; edit it when push() settles');
  let plan: ExecutionPlan;
  let outbox: ReturnType<typeof outboxOf>;
  try {
    plan = { ...(await slicedPlanOf(changed, options)), basis };
    // Its arrays were made for it alone, unless passes of the app's made some: then they stay.
    if (!options.passes?.length) ownedPlan(plan);
    outbox = outboxOf(state, plan);
  } catch (e) {
    for (const t of changed) t.lock(null);
    throw e;
  }
  // From here on commitPlan keeps the tables locked until the push settles.
  const result = await commitPlan(state, plan, changed, options, outbox);
  return { ...result, totalMs: performance.now() - start };
}

/** {@link planOf}, each table's changes gathered in slices (see `runInSlices`). */
async function slicedPlanOf(
  tables: readonly DatabaseTable[],
  options: Pick<PushOptions, 'conflict' | 'passes'>,
): Promise<ExecutionPlan> {
  const diffs: TableDiff[] = [];
  for (const t of tables) diffs.push(await diffTableSliced(t.state));
  return buildPlan(diffs, {
    ...(options.passes ? { passes: options.passes } : {}),
    withoutGuards: options.conflict === 'overwrite',
  });
}

/**
 * The plan of the tables' pending changes, as `push()` with these options would run it.
 *
 * @example
 * ```ts
 * const plan = planOf([orders], { conflict: 'overwrite' });
 * ```
 */
export function planOf(
  tables: readonly DatabaseTable[],
  options: Pick<PushOptions, 'conflict' | 'passes'>,
): ExecutionPlan {
  checkOptions('plan()', options, PLAN_OPTIONS);
  return buildPlan(
    tables.map((t) => t.diff()),
    {
      ...(options.passes ? { passes: options.passes } : {}),
      withoutGuards: options.conflict === 'overwrite',
    },
  );
}

/**
 * The commit each table's stored values are as of: the last one it took in, before any that
 * wait for `refresh()`. The engine then checks guards only on rows that commits since touched.
 * A table waiting for a reload (what changed is not known row by row) has none.
 */
function basisOf(state: DatabaseState, tables: readonly DatabaseTable[]): TableBasis[] {
  const out: TableBasis[] = [];
  for (const t of tables) {
    const l = state.loaded.get(t.name);
    if (!l || l.queued.some((u) => u.kind === 'reload')) continue;
    out.push({ table: t.name, seq: l.queued.length ? l.basis : l.seq });
  }
  return out;
}
