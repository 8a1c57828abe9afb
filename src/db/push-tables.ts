import { PandalchemyError } from '../errors/pandalchemy-error';
import { buildPlan } from '../plan/build-plan';
import type { ExecutionPlan, TableBasis } from '../plan/execution-plan';
import { ownedPlan } from '../plan/plan-transfer';
import { commitPlan } from './commit-plan';
import type { DatabaseState } from './database-state';
import type { DatabaseTable } from './database-table';
import type { PushOptions, PushResult } from './push-result';
import { outboxOf } from './sync-host-of';

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
  const start = performance.now();
  for (const t of tables) {
    if (state.loaded.get(t.name)?.table !== t) {
      throw new PandalchemyError(
        'invalid_argument',
        `Table '${t.name}' does not belong to database '${state.name}'.`,
        { table: t.name },
      );
    }
  }
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
  const plan: ExecutionPlan = { ...planOf(changed, options), basis: basisOf(state, changed) };
  // Its arrays were made for it alone, unless passes of the app's made some: then they stay.
  if (!options.passes?.length) ownedPlan(plan);
  const result = await commitPlan(state, plan, changed, options, outboxOf(state, plan));
  return { ...result, totalMs: performance.now() - start };
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
