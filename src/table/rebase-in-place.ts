import { valuesEqual } from '../values/values-equal';
import { schemaChangeCount, type UpdateGroup } from './collect-changes';
import { applyPatch, planPatch } from './patch-store';
import type { RebaseConflict, RebasePolicy, TableUpdate } from './rebase';
import { replayUpdates } from './replay-changes';
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
 * Null when it does not apply, and nothing changed: the commit adds rows or moves keys, touches
 * too many rows, or the table has pending deletes, inserts, key or schema changes (their replay
 * can meet rows the commit did not touch).
 */
export function rebaseInPlace(
  state: TableState,
  update: TableUpdate,
  policy: RebasePolicy,
): RebaseConflict[] | null {
  if (update.kind !== 'effect') return null;
  if (state.deleted.size > 0 || state.inserted.size > 0 || state.indexEdits.length > 0) return null;
  if (schemaChangeCount(state) > 0) return null;
  for (const c of state.keyColumns)
    if (c.cells.size > 0 || c.dense !== null || c.base !== null) return null;
  const edited = state.columns.filter((c) => c.cells.size > 0 || c.dense !== null);
  if (edited.length === 0 || edited.some((c) => c.base !== null || c.origin < 0)) return null;
  const store = state.store;
  // Refuses a commit it cannot take in (a patch of a row this copy lacks) before anything moves.
  const plan = planPatch(store, update.effect);
  if (plan.adds || plan.moves) return null;
  const touched = new Set<number>(plan.dead);
  for (const r of plan.targets) touched.add(r);
  for (const p of plan.patches) {
    if (touched.size + p.rows.length > MAX_TOUCHED) return null;
    for (const r of p.rows) touched.add(r);
  }
  if (touched.size > MAX_TOUCHED) return null;
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
  applyPatch(store, plan);
  state.info = update.info;
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
  return replayUpdates(state, pending, policy);
}
