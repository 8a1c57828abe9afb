import * as aq from 'arquero';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { trackedTable, type TrackedTable } from '../../src/index';
import { rebase, type RebasePolicy } from '../../src/table/rebase';
import type { SqlValue } from '../../src/values/sql-value';
import { effect } from '../support/effects';

/**
 * A commit of another writer taken in place (only the rows it touches replayed) must leave the
 * table exactly as the whole replay does: the same rows, pending changes, plan and conflicts, in
 * the same order, and the same after what is done next. The model is the whole replay.
 */

const COLS = ['id', 'n', 's', 'r'];
type Edit = (t: TrackedTable, ids: readonly number[]) => void;

function table(n: number): TrackedTable {
  return trackedTable(
    aq.table({
      id: Array.from({ length: n }, (_, i) => i + 1),
      n: Array.from({ length: n }, (_, i) => i * 10),
      s: Array.from({ length: n }, (_, i) => `s${i}`),
      r: Array.from({ length: n }, (_, i) => (i % 3 ? i / 2 : null)),
    }),
    { name: 't', key: ['id'], types: { id: 'INTEGER', n: 'INTEGER', s: 'TEXT', r: 'REAL' } },
  );
}

const cell = (col: string): fc.Arbitrary<SqlValue> =>
  col === 'n'
    ? fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constant(null))
    : col === 's'
      ? fc.oneof(fc.constantFrom('s0', 's1', 'x', 'y', ''), fc.constant(null))
      : fc.oneof(fc.constantFrom(0.5, 1, -0, 2.5), fc.constant(null));

const column = fc.constantFrom('n', 's', 'r');

/** Pending edits: mostly cells and whole columns (the in-place kind), some of the other kinds. */
const editArb: fc.Arbitrary<[string, Edit]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.nat(20), column)
      .chain(([k, c]) =>
        cell(c).map((v): [string, Edit] => [
          `set ${k} ${c} ${String(v)}`,
          (t, ids) => void t.set(ids[k % ids.length]!, c, v),
        ]),
      ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<[string, Edit]>(
      [
        'assign n+1',
        (t) => void t.assign('n', (d: Record<string, unknown>) => (d['n'] as number) + 1),
      ],
      [
        'assign s',
        (t) => void t.assign('s', (d: Record<string, unknown>) => `a${d['id'] as number}`),
      ],
      [
        'assign r',
        (t) => void t.assign('r', (d: Record<string, unknown>) => (d['id'] as number) / 4),
      ],
    ),
  },
  { weight: 1, arbitrary: fc.constant<[string, Edit]>(['undo', (t) => void t.undo()]) },
  {
    weight: 1,
    arbitrary: fc
      .nat(20)
      .map((k): [string, Edit] => [`delete ${k}`, (t, ids) => void t.delete(ids[k % ids.length]!)]),
  },
  {
    weight: 1,
    arbitrary: fc.constant<[string, Edit]>([
      'insert 99',
      (t) => void t.insert({ id: 99, n: 1, s: 'new' }),
    ]),
  },
);

/** Another writer's commit: updates of stored rows, deletes, now and then a new row or key move. */
interface Commit {
  readonly updates: readonly { k: number; values: Record<string, SqlValue> }[];
  readonly deletes: readonly number[];
  readonly insert: boolean;
  readonly move: boolean;
}
const commitArb: fc.Arbitrary<Commit> = fc.record({
  updates: fc.array(
    fc.record({
      k: fc.nat(20),
      values: fc.record({ n: cell('n'), s: cell('s'), r: cell('r') }, { requiredKeys: [] }),
    }),
    { maxLength: 4 },
  ),
  deletes: fc.array(fc.nat(20), { maxLength: 2 }),
  insert: fc.boolean().map((b) => b && Math.random() < 0.3),
  move: fc.boolean().map((b) => b && Math.random() < 0.2),
});

/** The commit's effect on `t` (stored rows as they are before it). */
function effectOf(t: TrackedTable, c: Commit, ids: readonly number[]) {
  const store = t.state.store;
  const stored = new Map<number, Record<string, SqlValue>>();
  for (let r = 0; r < store.length; r++) {
    if (store.isDead(r)) continue;
    const row: Record<string, SqlValue> = {};
    store.names.forEach((name, c) => (row[name] = store.get(r, c) as SqlValue));
    stored.set(row['id'] as number, row);
  }
  const deleted = [...new Set(c.deletes.map((k) => ids[k % ids.length]!))];
  const upserts: { prior: SqlValue[]; row: SqlValue[] }[] = [];
  const seen = new Set<number>(deleted);
  for (const u of c.updates) {
    const id = ids[u.k % ids.length]!;
    if (seen.has(id)) continue;
    seen.add(id);
    const row = { ...stored.get(id)!, ...u.values };
    upserts.push({ prior: [id], row: COLS.map((col) => row[col] ?? null) });
  }
  if (c.insert) upserts.push({ prior: [50], row: [50, 5, 'theirs', null] });
  if (c.move && upserts.length) {
    const last = upserts[upserts.length - 1]!;
    if (last.prior[0] !== 50)
      upserts[upserts.length - 1] = { ...last, row: [60, ...last.row.slice(1)] };
  }
  return effect({
    table: 't',
    key: ['id'],
    columns: COLS,
    deleted: deleted.map((d) => [d]),
    upserts,
  });
}

function view(t: TrackedTable): unknown {
  const tag = (_: string, v: unknown): unknown => (Object.is(v, -0) ? '-0' : v);
  return JSON.parse(
    JSON.stringify(
      { rows: t.table().objects(), changes: t.changes(), sql: t.toSql(), counts: t.changeCounts() },
      tag,
    ),
  );
}

/** Makes an edit on both tables: it is refused by both or by neither. */
function onBoth(e: Edit, a: TrackedTable, b: TrackedTable, ids: readonly number[]): void {
  let failed = false;
  try {
    e(a, ids);
  } catch {
    failed = true;
  }
  try {
    e(b, ids);
  } catch {
    expect(failed).toBe(true);
    return;
  }
  expect(failed).toBe(false);
}

describe('a commit taken in place', () => {
  test('leaves the table as the whole replay does: rows, changes, plan and conflicts', () => {
    let inPlace = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(editArb, { maxLength: 8 }),
        fc.array(commitArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<RebasePolicy>('keepRemote', 'keepLocal'),
        fc.array(editArb, { maxLength: 3 }),
        (n, edits, commits, policy, after) => {
          const ids = Array.from({ length: n }, (_, i) => i + 1);
          const a = table(n);
          const b = table(n);
          for (const [, e] of edits) onBoth(e, a, b, ids);
          // Commits taken in together (a tab behind by several), each made over the stored rows.
          const update = commits.map((c) => ({
            kind: 'effect' as const,
            effect: effectOf(a, c, ids),
            info: a.info,
          }));
          // The whole replay makes the column states anew; in place, they stay.
          const column = a.state.columns[1];
          const fast = rebase(a.state, update, policy, true);
          const whole = rebase(b.state, update, policy, false);
          if (a.state.columns[1] === column) inPlace++;
          expect(fast).toEqual(whole);
          expect(view(a)).toEqual(view(b));
          for (const [, e] of after) {
            onBoth(e, a, b, ids);
            expect(view(a)).toEqual(view(b));
          }
        },
      ),
      { numRuns: 400 },
    );
    // A good share of the commits are of the kind taken in place (about a third).
    expect(inPlace).toBeGreaterThan(60);
  });
});
