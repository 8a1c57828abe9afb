import type { ExecutionPlan } from '../plan/execution-plan';
import type { RebaseConflict } from '../table/rebase';
import type { DatabaseState } from './database-state';
import type { DatabaseTable } from './database-table';
import type { PushOptions, PushResult } from './push-result';
import { takeCommit, takeCommitsSince } from './take-commits';

/** What a push adds to the sync outbox (see `outboxOf`). */
export interface Outbox {
  readonly plan: string;
  readonly tables: string[];
}

/**
 * Runs a plan in the engine and takes its commit in. `pushed` tables are locked meanwhile; on
 * success their pending edits are what was committed, so they are cleared before the commit is
 * taken in. A failed run leaves them, and the database, exactly as they were.
 *
 * @example
 * ```ts
 * await commitPlan(state, { version: PLAN_VERSION, steps: [{ kind: 'dropTable', table: 't' }] }, []);
 * ```
 */
export async function commitPlan(
  state: DatabaseState,
  plan: ExecutionPlan,
  pushed: readonly DatabaseTable[],
  options: PushOptions = {},
  outbox: Outbox | null = null,
): Promise<Omit<PushResult, 'totalMs'>> {
  for (const t of pushed) t.lock('a push of this table is in flight; edit it when push() settles');
  try {
    return await state.serially(async () => {
      const result = await state.engine.apply(
        plan,
        {
          pushId: newPushId(),
          conflict: options.conflict ?? 'fail',
          ...(outbox ? { outbox } : {}),
        },
        options.onProgress,
      );
      if (outbox) state.sync?.client.queued();
      for (const t of pushed) {
        t.lock(null);
        t.discard();
        state.drafts.pushed(t);
      }
      // Our commit directly follows the last one taken in: take it from the result, saving a
      // round trip to the worker and a read of the redo log. Otherwise catch up in order.
      let conflicts: RebaseConflict[] = [];
      if (result.seq === state.seq + 1) {
        const commit = { seq: result.seq, effects: result.effects, tables: result.tables };
        await takeCommit(state, commit, 'local');
      } else {
        conflicts = await takeCommitsSince(state, 'local', result.seq);
      }
      return {
        seq: result.seq,
        tables: pushed.map((t) => t.name),
        rowsWritten: result.rowsWritten,
        bytesPersisted: result.bytesPersisted,
        applyMs: result.applyMs,
        persistMs: result.persistMs,
        conflicts,
      };
    });
  } finally {
    for (const t of pushed) t.lock(null);
  }
}

let pushCounter = 0;

function newPushId(): string {
  const c = globalThis.crypto;
  return typeof c?.randomUUID === 'function'
    ? c.randomUUID()
    : `push-${Date.now()}-${++pushCounter}`;
}
