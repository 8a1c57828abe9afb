import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice, type CommitMessage } from '../support/sync-device';

/*
 * What a commit says it did is what it did: random pushes (inserts, updates, deletes, keys moved
 * onto free keys and swapped between rows) go through the server, and the commits a device
 * receives, replayed in order from the table's first state, give the table PostgreSQL holds.
 */

const RUNS = Number(process.env['SYNC_EFFECTS_RUNS'] ?? 12);

type Rows = Map<number, string>;

/** One push, built from the rows as they are: each kind picks its rows from `ids`. */
type Op =
  | { kind: 'insert'; n: number; v: string }
  | { kind: 'update'; picks: number[]; v: string }
  | { kind: 'delete'; picks: number[] }
  | { kind: 'move'; picks: number[] }
  | { kind: 'swap'; picks: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    n: fc.integer({ min: 1, max: 4 }),
    v: fc.string({ maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    v: fc.string({ maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('swap' as const),
    picks: fc.array(fc.nat(), { minLength: 2, maxLength: 4 }),
  }),
);

const KEY = { key: ['id'], keyTypes: ['INTEGER'] };

/** The plan of `op` on `rows` (null when it has no row to work on), and the rows after it. */
function planOf(op: Op, rows: Rows, next: () => number): [ExecutionPlan, Rows] | null {
  const ids = [...rows.keys()].sort((a, b) => a - b);
  const picked = [
    ...new Set(op.kind === 'insert' ? [] : op.picks.map((p) => ids[p % ids.length]!)),
  ];
  if (op.kind !== 'insert' && !ids.length) return null;
  const after = new Map(rows);
  let step: PlanStep;
  switch (op.kind) {
    case 'insert': {
      const fresh = Array.from({ length: op.n }, next);
      for (const id of fresh) after.set(id, op.v);
      step = {
        kind: 'insert',
        table: 'kv',
        ...KEY,
        columns: ['id', 'v'],
        types: ['INTEGER', 'TEXT'],
        values: [fresh, fresh.map(() => op.v)],
        count: fresh.length,
      };
      break;
    }
    case 'update':
      for (const id of picked) after.set(id, op.v);
      step = {
        kind: 'update',
        table: 'kv',
        ...KEY,
        keys: [picked],
        set: ['v'],
        types: ['TEXT'],
        values: [picked.map(() => op.v)],
        count: picked.length,
        guard: null,
      };
      break;
    case 'delete':
      for (const id of picked) after.delete(id);
      step = {
        kind: 'delete',
        table: 'kv',
        ...KEY,
        keys: [picked],
        count: picked.length,
        guard: null,
      };
      break;
    case 'move':
    case 'swap': {
      // A move takes free keys; a swap rotates the picked rows' keys among themselves.
      if (op.kind === 'swap' && picked.length < 2) return null;
      const to = op.kind === 'move' ? picked.map(next) : [...picked.slice(1), picked[0]!];
      for (const id of picked) after.delete(id);
      picked.forEach((id, i) => after.set(to[i]!, rows.get(id)!));
      step = {
        kind: 'update',
        table: 'kv',
        ...KEY,
        keys: [picked],
        set: ['id'],
        types: ['INTEGER'],
        values: [to],
        count: picked.length,
        guard: null,
      };
      break;
    }
  }
  return [{ version: 2, steps: [step] }, after];
}

/** The table after replaying `commits` on `rows`, by their effects only. */
function replay(rows: Rows, commits: readonly CommitMessage[]): Rows {
  const out = new Map(rows);
  for (const c of commits) {
    for (const e of c.effects) {
      for (const id of e.deleted.keys[0] ?? []) out.delete(Number(id));
      const { columns, values, priorKeys } = e.upserts;
      for (const prior of priorKeys[0] ?? []) out.delete(Number(prior));
      const id = values[columns.indexOf('id')] ?? [];
      const v = values[columns.indexOf('v')] ?? [];
      id.forEach((k, i) => out.set(Number(k), String(v[i])));
    }
  }
  return out;
}

describe('commit effects', () => {
  let db: pg.Pool;
  let server: ListeningSyncServer;
  beforeAll(async () => {
    db = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 4 });
    await db.query('CREATE TABLE kv (id bigint PRIMARY KEY, v text NOT NULL)');
    server = await createSyncServer({
      pool: db,
      authenticate: { t: { user: 'u', device: 'd' } },
      tables: ['kv'],
    }).listen();
  });
  afterAll(async () => {
    await server.close();
    await db.end();
  });

  test('replayed in order, give the table as PostgreSQL holds it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        await db.query('TRUNCATE kv');
        const start = Number(
          (await db.query('SELECT coalesce(max(seq), 0)::int AS n FROM pandalchemy_commits'))
            .rows[0].n,
        );
        const { device } = await SyncDevice.connect(server.url, 't', start);
        let rows: Rows = new Map();
        let counter = 0;
        const next = (): number => 1 + counter++;
        try {
          for (const op of ops) {
            const built = planOf(op, rows, next);
            if (!built) continue;
            const answer = await device.push(built[0]);
            expect(answer.type, JSON.stringify(answer)).toBe('accepted');
            rows = built[1];
          }
          const { rows: held } = await db.query<{ id: number; v: string }>(
            'SELECT id::int, v FROM kv',
          );
          const table: Rows = new Map(held.map((r) => [r.id, r.v]));
          expect(table).toEqual(rows);
          const last = Number(
            (await db.query('SELECT coalesce(max(seq), 0)::int AS n FROM pandalchemy_commits'))
              .rows[0].n,
          );
          if (last > start) await device.commitAtLeast(last);
          expect(replay(new Map(), device.commits())).toEqual(table);
        } finally {
          device.close();
        }
      }),
      {
        numRuns: RUNS,
        // Two rows swapping keys in one step: the second row's earlier write was looked up under
        // a key the first had just taken, and its image was lost from the commit.
        examples: [
          [
            [
              { kind: 'insert', n: 1, v: '' },
              { kind: 'insert', n: 1, v: ' ' },
              { kind: 'swap', picks: [0, 1] },
            ],
          ],
        ],
      },
    );
  });
});
