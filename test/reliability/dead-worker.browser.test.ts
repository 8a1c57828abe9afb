import * as aq from 'arquero';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase, PandalchemyError } from '../../src/index';
import { startFaultWorker, stopFaultWorkers, until } from '../support/fault-worker-client';

/**
 * The worker dies, as an event among the calls of the public API: random sequences of pushes,
 * queries, checkpoints, exports and refreshes, some awaited and some left pending, with the
 * worker terminated by the app, crashing, or crashing in the middle of a push's write, at a random
 * point. Every call settles (those pending at the death and all later ones reject with
 * `worker_died`), and the database reopens holding every push that resolved, and of those still
 * pending at the death either all of one or none of it.
 */

afterEach(stopFaultWorkers);

type Call =
  { kind: 'push'; wait: boolean } | { kind: 'query' | 'checkpoint' | 'export' | 'refresh' };
type Death = 'terminate' | 'crash' | 'crashInAppend' | 'crashAfterAppend';

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), wait: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom(
      'query' as const,
      'checkpoint' as const,
      'export' as const,
      'refresh' as const,
    ),
  }),
);

/** Settles within 15 s, or fails the run: a call that never settles is the defect. */
function settled(p: Promise<unknown>): Promise<{ ok: boolean; error?: unknown }> {
  return Promise.race([
    p.then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, error }),
    ),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error('a call was still pending 15 s after the worker died')),
        15_000,
      ),
    ),
  ]);
}

interface InFlight {
  readonly value: string | null;
  promise: Promise<unknown>;
  done: boolean;
}

async function run(calls: readonly Call[], at: number, death: Death): Promise<void> {
  const name = `dead-${crypto.randomUUID()}`;
  const { worker, faults } = startFaultWorker();
  const db = await openDatabase(name, { worker });
  await db.createTable('t', aq.table({ id: [1, 2], v: ['start', 'other'] }), { primaryKey: 'id' });
  const t = await db.table('t');

  const resolved: string[] = [];
  const inFlight: InFlight[] = [];
  let pushes = 0;
  const start = async (c: Call): Promise<void> => {
    if (c.kind === 'push') {
      // While a push of the table is in flight the table refuses edits ('busy'): no push then.
      if (inFlight.some((f) => f.value !== null && !resolved.includes(f.value) && !f.done)) return;
      const value = `push ${++pushes}`;
      t.set(1, 'v', value);
      const entry: InFlight = { value, promise: Promise.resolve(), done: false };
      entry.promise = t
        .push()
        .then(() => void resolved.push(value))
        .finally(() => (entry.done = true));
      entry.promise.catch(() => undefined);
      if (c.wait) await entry.promise.catch(() => undefined);
      else inFlight.push(entry);
      return;
    }
    const p =
      c.kind === 'query'
        ? db.query('SELECT * FROM t')
        : c.kind === 'checkpoint'
          ? db.checkpoint()
          : c.kind === 'export'
            ? db.export()
            : db.refresh();
    p.catch(() => undefined);
    inFlight.push({ value: null, promise: p, done: false });
  };

  for (const c of calls.slice(0, at)) await start(c);
  if (death === 'terminate') worker.terminate();
  else if (death === 'crash') void faults.crash();
  else {
    // A push reaches storage, stays there, and the worker crashes (earlier pushes settle first,
    // so that the fault catches this one).
    for (const f of inFlight) if (f.value !== null) await f.promise.catch(() => undefined);
    await faults.setFault({
      point: death === 'crashInAppend' ? 'append' : 'afterAppend',
      action: 'hang',
    });
    await start({ kind: 'push', wait: false });
    await until(() => faults.faultHit());
    void faults.crash();
  }
  const before = inFlight.length;
  for (const c of calls.slice(at)) await start(c);

  // Calls made after the death, and the ones pending at it, reject with worker_died.
  for (const [i, f] of inFlight.entries()) {
    const outcome = await settled(f.promise);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(PandalchemyError);
      expect((outcome.error as PandalchemyError).code).toBe('worker_died');
    } else {
      expect(i, 'a call made after the worker died resolved').toBeLessThan(before);
    }
  }
  const later = await settled(db.query('SELECT 1'));
  expect((later.error as PandalchemyError | undefined)?.code).toBe('worker_died');
  await settled(db.close());

  // Reopened: the last resolved push, or one pending at the death that landed whole.
  const again = await openDatabase(name);
  try {
    // What is committed (the table itself may show edits restored from its draft as pending).
    const stored = (await again.query('SELECT id, v FROM t ORDER BY id')).objects() as {
      id: number;
      v: string;
    }[];
    expect(stored).toHaveLength(2);
    expect(stored[1]).toEqual({ id: 2, v: 'other' });
    const v = stored[0]!.v;
    const last = resolved[resolved.length - 1] ?? 'start';
    const landedWhole = inFlight.some((f) => f.value === v && !resolved.includes(v));
    expect(v === last || (landedWhole && Number(v.slice(5)) > Number(last.slice(5) || 0))).toBe(
      true,
    );
  } finally {
    await again.close();
  }
}

const RUNS = 12;

describe('the worker dies at any point of a sequence of calls', () => {
  test(`${RUNS} random sequences: every call settles and the database reopens consistent`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(call, { minLength: 1, maxLength: 6 }),
        fc.nat(6),
        fc.constantFrom<Death>('terminate', 'crash', 'crashInAppend', 'crashAfterAppend'),
        async (calls, at, death) => {
          try {
            await run(calls, Math.min(at, calls.length), death);
          } finally {
            stopFaultWorkers();
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 600_000);
});
