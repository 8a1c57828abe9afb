import { valuesEqual } from '../values/values-equal';
import { schemaChangeCount, type UpdateGroup } from './collect-changes';
import type { TableInfo } from '../schema/table-info';
import { applyPatch, planPatch, type PlannedPatch } from './patch-store';
import type { RebaseConflict, RebasePolicy, TableUpdate } from './rebase';
import { replayChanges } from './replay-changes';
import { rowChanges } from './row-changes';
import type { TableState } from './table-state';

/** Rows a commit may touch for a rebase in place; past this the whole replay is as quick. */
const MAX_TOUCHED = 50_000;

const NO_SCHEMA = { dropped: [], renamed: [], added: [], retyped: [] };

/**
 * Takes a commit in without replaying every pending edit: only the rows it touches. The general
 * rebase makes every pending change a row object and replays it, which after a whole-column
 * change of a million rows was one task of 2.3-3.0 s for another tab's one-cell push. Here the
 * pending state stays where it is (rows the commit did not touch keep their slots, values and
 * edits, and nothing about them can be contested); the touched rows' pending changes are taken
 * out as `rowChanges` reports them, the commit is written into the store, and those changes are
 * replayed as the general rebase replays them: the same rows, changes and conflicts, in the
 * same order.
 *
 * Several commits are taken in together, as the whole replay takes them. Null when it does not
 * apply, and nothing changed: a commit adds rows or moves keys, they touch too many rows, or the
 * table has pending deletes, inserts, key or schema changes (their replay can meet rows the
 * commits did not touch).
 */
export function rebaseInPlace(
  state: TableState,
  updates: readonly TableUpdate[],
  policy: RebasePolicy,
): RebaseConflict[] | null {
  if (state.deleted.size > 0 || state.inserted.size > 0 || state.indexEdits.length > 0) return null;
  if (schemaChangeCount(state) > 0) return null;
  for (const c of state.keyColumns)
    if (c.cells.size > 0 || c.dense !== null || c.base !== null) return null;
  const edited = state.columns.filter((c) => c.cells.size > 0 || c.dense !== null);
  if (edited.length === 0 || edited.some((c) => c.base !== null || c.origin < 0)) return null;
  const store = state.store;
  // Every commit planned over the rows as they are before the first: with no row added and no
  // key moved, each row keeps its slot through them all, unless one of them deletes it (then a
  // later commit naming that row would be planned wrongly: the whole replay takes those). A
  // commit it cannot take in (a patch of a row this copy lacks) is refused before anything moves.
  // Counted before anything is planned: a commit of a whole column (another tab's transform)
  // goes to the whole replay without its million rows looked up here first.
  let named = 0;
  for (const update of updates) {
    if (update.kind !== 'effect') return null;
    const e = update.effect;
    named += e.deleted.keys[0]?.length ?? 0;
    named += e.upserts.values[0]?.length ?? 0;
    for (const p of e.patches ?? []) named += p.rowids.length;
  }
  if (named > MAX_TOUCHED) return null;
  const plans: PlannedPatch[] = [];
  const gone = new Set<number>();
  const touched = new Set<number>();
  for (const update of updates as readonly Extract<TableUpdate, { kind: 'effect' }>[]) {
    const plan = planPatch(store, update.effect);
    if (plan.adds || plan.moves) return null;
    const write = (r: number): boolean => {
      touched.add(r);
      return !gone.has(r);
    };
    if (!plan.targets.every(write) || !plan.patches.every((p) => p.rows.every(write))) return null;
    for (const r of plan.dead) {
      touched.add(r);
      gone.add(r);
    }
    plans.push(plan);
  }
  const rows = [...touched].filter((r) => r >= 0 && !store.isDead(r)).sort((a, b) => a - b);
  const groups: UpdateGroup[] = [];
  for (const r of rows) {
    const columns = edited.filter((c) => !valuesEqual(state.value(r, c), state.baseline(r, c)));
    if (columns.length) groups.push({ columns, rows: [r] });
  }
  const pending = rowChanges(state, {
    schema: NO_SCHEMA,
    deletes: [],
    rekeys: [],
    updates: groups,
    inserts: [],
  }).updates;
  // Those rows hold their stored values again, as the general rebase's rows all do.
  for (const g of groups) {
    const r = g.rows[0]!;
    for (const c of g.columns) state.applyValue(r, c, state.baseline(r, c));
  }
  plans.forEach((plan, i) => {
    applyPatch(store, plan);
    state.info = (updates[i] as { readonly info: TableInfo }).info;
  });
  // A column assigned whole shows the value the commit stored in each row it touched.
  for (const r of rows) {
    if (store.isDead(r)) continue;
    for (const c of edited) {
      if (c.dense === null) continue;
      const v = store.get(r, c.origin);
      if (valuesEqual(c.dense[r] ?? null, v)) c.cells.delete(r);
      else c.cells.set(r, v);
    }
  }
  const none = [] as const;
  return replayChanges(
    state,
    { table: state.name, schema: none, inserts: none, updates: pending, deletes: none },
    policy,
  );
}
