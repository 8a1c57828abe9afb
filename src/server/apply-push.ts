import { createHash } from 'node:crypto';
import { postgresDialect } from '../dialect/postgres/postgres-dialect';
import { PandalchemyError, type SerializedError } from '../errors/pandalchemy-error';
import type { ExecutionPlan } from '../plan/execution-plan';
import { encodeTagged } from '../plan/plan-json';
import { applyPlanIn } from '../postgres/apply-plan';
import { runScript, type RunStatement } from '../postgres/postgres-client';
import type { SyncIdentity } from './authenticate';
import { commitEffects } from './commit-effects';
import { failureForDevice, refusalForDevice } from './device-errors';
import { COMMITS_CHANNEL, LOG_LOCK } from './commit-log';
import type { PushAnswer } from './sync-messages';
import { withClient, type SyncPool } from './sync-pool';

/** A push, as the server has checked it so far. */
export interface CheckedPush {
  readonly id: string;
  readonly basis: number | null;
  readonly identity: SyncIdentity;
  /** SHA-256 of the plan text: a retry under the same id must send the same text. */
  readonly planHash: Uint8Array;
}

/** The hash a push's plan text is recorded under. */
export function planHash(text: string): Uint8Array {
  return createHash('sha256').update(text, 'utf8').digest();
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The answer recorded for a push id, or null when it has none. */
async function recorded(run: RunStatement, push: CheckedPush): Promise<PushAnswer | null> {
  const rows = await run(
    'SELECT device, plan_hash, seq::text, error FROM pandalchemy_pushes WHERE push_id = $1::uuid',
    [push.id],
  );
  const row = rows[0];
  if (!row) return null;
  if (row[0] !== push.identity.device || !sameBytes(row[1] as Uint8Array, push.planHash)) {
    const error = new PandalchemyError(
      'invalid_message',
      `Push ${push.id} was sent before by another device or with another plan: a push id names one push. Give each push a new UUID, and resend a push with the text it was first sent with.`,
      { field: 'id' },
    );
    return { type: 'refused', id: push.id, error: error.toJSON() };
  }
  if (row[2] !== null) return { type: 'accepted', id: push.id, seq: Number(row[2]) };
  // As recorded: tagged JSON, sent on as it is.
  return { type: 'refused', id: push.id, error: JSON.parse(String(row[3])) as SerializedError };
}

/** The answer already given to this push id, looked up without the lock; null when none. */
export function recordedAnswer(pool: SyncPool, push: CheckedPush): Promise<PushAnswer | null> {
  return withClient(pool, (run) => recorded(run, push));
}

async function recordRefusalIn(
  run: RunStatement,
  push: CheckedPush,
  error: PandalchemyError,
): Promise<void> {
  await run(
    `INSERT INTO pandalchemy_pushes (push_id, device, plan_hash, error)
VALUES ($1::uuid, $2, $3, $4) ON CONFLICT (push_id) DO NOTHING`,
    [push.id, push.identity.device, push.planHash, encodeTagged(error.toJSON())],
  );
}

/**
 * Records a refusal found before the push's transaction (a plan that does not decode, a table
 * not allowed), so that a retry gets it again. A push id answered meanwhile keeps its answer.
 */
export async function refusePush(
  pool: SyncPool,
  push: CheckedPush,
  error: PandalchemyError,
): Promise<PushAnswer> {
  return withClient(pool, async (run) => {
    await recordRefusalIn(run, push, error);
    return (await recorded(run, push)) ?? { type: 'refused', id: push.id, error: error.toJSON() };
  });
}

/**
 * A failure of PostgreSQL itself (the connection, the server, a serialization failure) rather
 * than of the plan: nothing is recorded and the device sends the push again.
 */
function isTransient(e: unknown): boolean {
  if (e instanceof PandalchemyError && e.code !== 'postgres') return false;
  const cause: unknown = e instanceof PandalchemyError ? e.cause : e;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '40', '53', '57', '58'].includes(code.slice(0, 2));
}

/**
 * The answer to a push that could not finish: send it again. The error is the server's own typed
 * answer (`busy`, `internal`) or a generic `postgres` one: never the words of PostgreSQL, its
 * driver or the app's callbacks.
 */
export function failedAnswer(id: string, e: unknown): PushAnswer {
  return { type: 'failed', id, error: failureForDevice('finish this push', e).toJSON() };
}

/**
 * Applies a checked push in ONE transaction (docs/sync-protocol.md): the log's lock, the push id
 * looked up (an answered push gets its answer again and is not applied again), the plan applied
 * with its guards, the rows it wrote read back, the commit numbered and recorded, `NOTIFY`, COMMIT.
 * A refusal of the plan rolls back to a savepoint and is recorded, as the device gets it
 * (`refusalForDevice`); `report` is told PostgreSQL's own error. A failure of PostgreSQL rolls
 * everything back and throws: nothing is recorded, and the caller answers `failed`.
 */
export async function applyPush(
  pool: SyncPool,
  push: CheckedPush,
  plan: ExecutionPlan,
  report: (error: unknown) => void = () => undefined,
): Promise<PushAnswer> {
  return withClient(pool, async (run, client) => {
    // One round trip: the transaction, its settings, the log's lock (a constant of this file,
    // not data), the savepoint a refusal rolls back to.
    await runScript(client, [
      ...postgresDialect.transaction.begin,
      `SELECT pg_advisory_xact_lock(${LOG_LOCK}::bigint)`,
      'SAVEPOINT push',
    ]);
    const answered = await recorded(run, push);
    if (answered) {
      await run('ROLLBACK', []);
      return answered;
    }
    let effects;
    try {
      const applied = await applyPlanIn(run, plan);
      effects = await commitEffects(run, plan, applied.assignedKeys, applied.schemas);
    } catch (e) {
      if (isTransient(e) || !(e instanceof PandalchemyError)) throw e;
      const refusal = refusalForDevice(e);
      if (refusal !== e) report(e);
      await run('ROLLBACK TO SAVEPOINT push', []);
      await recordRefusalIn(run, push, refusal);
      await run('COMMIT', []);
      return { type: 'refused', id: push.id, error: refusal.toJSON() };
    }
    const tables = [...new Set(plan.steps.map((s) => s.table))];
    // The commit numbered and recorded, the push id answered and the feed told: one statement.
    const rows = await run(
      `WITH c AS (
  INSERT INTO pandalchemy_commits (seq, push_id, device, user_id, basis, tables, effects)
  SELECT coalesce(max(seq), 0) + 1, $1::uuid, $2, $3, $4::bigint,
    ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6::jsonb
  FROM pandalchemy_commits RETURNING seq
), p AS (
  INSERT INTO pandalchemy_pushes (push_id, device, plan_hash, seq)
  SELECT $1::uuid, $2, $7, seq FROM c
)
SELECT seq::text, pg_notify($8, seq::text) FROM c`,
      [
        push.id,
        push.identity.device,
        push.identity.user,
        push.basis === null ? null : String(push.basis),
        JSON.stringify(tables),
        encodeTagged(effects),
        push.planHash,
        COMMITS_CHANNEL,
      ],
    );
    const seq = String(rows[0]![0]);
    await run('COMMIT', []);
    return { type: 'accepted', id: push.id, seq: Number(seq) };
  });
}
