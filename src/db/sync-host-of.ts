import { PLAN_VERSION, type CreateTableStep, type ExecutionPlan } from '../plan/execution-plan';
import { encodePlan } from '../plan/plan-json';
import type { SyncHost } from '../sync/sync-host';
import { commitPlan, type Outbox } from './commit-plan';
import type { DatabaseState } from './database-state';
import type { DatabaseTable } from './database-table';
import { takeCommit, takeCommitsSince } from './take-commits';

/**
 * What the sync client may do with a database: commit what the server sent and take it in as
 * another writer's commit, create a table the server has, load tables, watch commits.
 * `loadTable` is the database's `table(name)`.
 *
 * @example
 * ```ts
 * const client = new SyncClient(syncHostOf(state, (name) => db.table(name)), options);
 * ```
 */
export function syncHostOf(
  state: DatabaseState,
  loadTable: (name: string) => Promise<DatabaseTable>,
): SyncHost {
  return {
    name: state.name,
    engine: state.engine,
    commit: (run) =>
      state.serially(async () => {
        const result = await run();
        if (!result) return false;
        if (result.seq === state.seq + 1) {
          const commit = { seq: result.seq, effects: result.effects, tables: result.tables };
          await takeCommit(state, commit, 'remote');
        } else {
          // A run of server commits: listeners see only its end, never a state in which this
          // device's later pushes are undone (a run ends with the commits of all of them).
          await takeCommitsSince(state, 'remote', -1, true);
        }
        return true;
      }),
    createLocalTable: async (step: CreateTableStep) => {
      await commitPlan(state, { version: PLAN_VERSION, steps: [step] }, [], {}, null);
    },
    replaceLocalTable: async (step: CreateTableStep) => {
      const plan: ExecutionPlan = {
        version: PLAN_VERSION,
        steps: [{ kind: 'dropTable', table: step.table }, step],
      };
      await commitPlan(state, plan, [], {}, null);
    },
    dropLocalTable: async (name) => {
      await commitPlan(
        state,
        { version: PLAN_VERSION, steps: [{ kind: 'dropTable', table: name }] },
        [],
      );
    },
    hasTable: (name) => state.info.has(name),
    columnsOf: (name) => state.info.get(name)?.columns ?? null,
    table: loadTable,
    onChange: (listener) => state.emitter.on(listener),
  };
}

/**
 * What a push adds to the sync outbox: null for a database that does not sync, or for a plan
 * that touches none of the tables it syncs. A plan that also writes local-only tables sends only
 * the steps of the synced ones: the server would refuse the whole push (`forbidden`, a table it
 * does not sync) and undo the synced edits with it, while the local edits are committed here
 * already and have nowhere else to go.
 *
 * @example
 * ```ts
 * await commitPlan(state, plan, tables, options, outboxOf(state, plan));
 * ```
 */
export function outboxOf(state: DatabaseState, plan: ExecutionPlan): Outbox | null {
  if (!state.sync) return null;
  const tables = [...new Set(plan.steps.map((s) => s.table))];
  const synced = state.sync.tables;
  if (!synced) return { plan: encodePlan(plan), tables };
  const sent = tables.filter((t) => synced.has(t));
  if (!sent.length) return null;
  if (sent.length === tables.length) return { plan: encodePlan(plan), tables };
  const steps = plan.steps.filter((s) => synced.has(s.table));
  const basis = plan.basis?.filter((b) => synced.has(b.table));
  return { plan: encodePlan({ ...plan, steps, ...(basis ? { basis } : {}) }), tables: sent };
}
