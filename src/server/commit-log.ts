import { withClient, type SyncPool } from './sync-pool';

/*
 * The commit log in PostgreSQL (docs/sync-protocol.md, "What the server stores"): the accepted
 * commits, numbered without gaps, and the answer given to every push id.
 */

/** The channel commits are announced on (`NOTIFY`, payload: the commit number). */
export const COMMITS_CHANNEL = 'pandalchemy_commits';

/**
 * The advisory lock every push takes for its transaction: pushes from every server process run
 * one at a time, so numbers are assigned in commit order, without gaps. (A constant of this
 * library's own: 'pandalchemy' as a number.)
 */
export const LOG_LOCK = '7233612791355483489';

/** The tables of the log, created when missing, under the lock (several servers may start at once). */
const CREATE = [
  `CREATE TABLE IF NOT EXISTS pandalchemy_commits (
  seq bigint PRIMARY KEY,
  push_id uuid NOT NULL UNIQUE,
  device text NOT NULL,
  user_id text NOT NULL,
  basis bigint,
  tables text[] NOT NULL,
  effects jsonb NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE TABLE IF NOT EXISTS pandalchemy_pushes (
  push_id uuid PRIMARY KEY,
  device text NOT NULL,
  plan_hash bytea NOT NULL,
  seq bigint REFERENCES pandalchemy_commits (seq),
  error text,
  answered_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((seq IS NULL) <> (error IS NULL))
)`,
];

/** Creates the log's tables when they are missing. */
export async function createCommitLog(pool: SyncPool): Promise<void> {
  await withClient(pool, async (run) => {
    await run('BEGIN', []);
    await run('SELECT pg_advisory_xact_lock($1::bigint)', [LOG_LOCK]);
    for (const sql of CREATE) await run(sql, []);
    await run('COMMIT', []);
  });
}

/** One commit of the log, its effects as the tagged JSON text devices receive. */
export interface LoggedCommit {
  readonly seq: number;
  readonly pushId: string;
  readonly at: string;
  readonly tables: readonly string[];
  /** The effects, one per table, as tagged JSON (parsed, but with its tags as they are). */
  readonly effects: readonly { readonly table: string }[];
  /** The size of the effects' text: what keeping the commit in memory costs, about. */
  readonly bytes: number;
}

/** The commits after `after`, in order, at most `limit`. */
export async function readCommits(
  pool: SyncPool,
  after: number,
  limit: number,
): Promise<LoggedCommit[]> {
  const rows = await withClient(pool, (run) =>
    run(
      // Ordered by the qualified column: a bare `seq` names the output column, the number as
      // text, and sorts commit 10 before commit 9.
      `SELECT seq::text, push_id::text,
  to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), tables, effects::text
FROM pandalchemy_commits WHERE seq > $1::bigint ORDER BY pandalchemy_commits.seq LIMIT $2::integer`,
      [String(after), String(limit)],
    ),
  );
  return rows.map((r) => ({
    seq: Number(r[0]),
    pushId: String(r[1]),
    at: String(r[2]),
    tables: r[3] as string[],
    effects: JSON.parse(String(r[4])) as { table: string }[],
    bytes: String(r[4]).length,
  }));
}

/** The last commit number (0 when the log is empty). */
export async function lastCommit(pool: SyncPool): Promise<number> {
  const rows = await withClient(pool, (run) =>
    run('SELECT coalesce(max(seq), 0)::text FROM pandalchemy_commits', []),
  );
  return Number(rows[0]?.[0] ?? 0);
}
