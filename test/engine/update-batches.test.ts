import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { MIN_BATCHED_ROWS } from '../../src/engine/update-batches';
import type { ColumnValues, ExecutionPlan } from '../../src/plan/execution-plan';
import { TrackedTable } from '../../src/table/tracked-table';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import { canonicalEffect } from '../support/effects';
import { loadSql } from '../support/memory-storage';
import { imagesOf } from '../support/push-outcome';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

/** Values a column may be set to, with one the CHECK on `e` refuses ('refused'). */
const TEXTS = ['x', 'yy', '', 'long text', '7', null];
const NUMBERS = [0, -0, 1.5, -3, 1e300, 2 ** 60, 7, null];
const ANY: SqlValue[] = ['x', 7, 1.25, null, new Uint8Array([1, 2]), '7', 2 ** 53 + 2];

const scenario = fc.record({
  rows: fc.integer({ min: MIN_BATCHED_ROWS + 50, max: MIN_BATCHED_ROWS + 700 }),
  gap: fc.integer({ min: 1, max: 2 }),
  /** Rows the step updates, of the table's, beyond the batching threshold. */
  edits: fc.integer({ min: MIN_BATCHED_ROWS, max: MIN_BATCHED_ROWS + 600 }),
  columns: fc.subarray(['a', 'b', 'c', 'e', 'u'] as const, { minLength: 1 }),
  /** Rows listed last first, as a plan made elsewhere may list them: never batched. */
  descending: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
  /** Another writer's changes between reading and pushing: values changed, rows deleted. */
  changed: fc.array(fc.nat(), { maxLength: 3 }),
  deleted: fc.array(fc.nat(), { maxLength: 3 }),
  /** A value the CHECK refuses, at this edit (or none). */
  refused: fc.option(fc.nat(), { freq: 4 }),
  conflict: fc.constantFrom('fail', 'overwrite') as fc.Arbitrary<'fail' | 'overwrite'>,
});

function outcome(
  bytes: Uint8Array,
  SQL: Awaited<ReturnType<typeof loadSql>>,
  plan: ExecutionPlan,
  conflict: 'fail' | 'overwrite',
  alwaysLog: boolean,
  batches: string[],
): unknown {
  const db = new SQL.Database(bytes) as unknown as SqlDatabase;
  configureConnection(db, true);
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    if (sql.includes('FROM (VALUES')) batches.push(sql);
    return prepare(sql);
  };
  const before = imagesOf(db, 't');
  let result: unknown;
  try {
    const { effects } = applyPlan(db, plan, { conflict, alwaysLog });
    result = effects.map((e) => canonicalEffect(e, before));
  } catch (e) {
    const err = e as { code?: string; details?: unknown; conflicts?: unknown };
    result = { error: err.code, details: err.details, conflicts: err.conflicts };
  }
  const rows = selectRows(db, 'SELECT rowid, * FROM t ORDER BY rowid');
  db.close();
  return { result, rows };
}

/** `plan` with each update step's rows listed last first, as a plan made elsewhere may list them. */
function reversed(plan: ExecutionPlan): ExecutionPlan {
  const flip = (c: ColumnValues): ColumnValues => Array.from(c as ArrayLike<SqlValue>).reverse();
  return {
    ...plan,
    steps: plan.steps.map((step) =>
      step.kind !== 'update'
        ? step
        : {
            ...step,
            keys: step.keys.map(flip),
            values: step.values.map(flip),
            guard: step.guard && {
              ...step.guard,
              keys: step.guard.keys.map(flip),
              expected: step.guard.expected.map((c) =>
                Array.from(c as ArrayLike<CellValue>).reverse(),
              ),
            },
          },
    ),
  };
}

describe('updates run in batches', () => {
  it('report and leave what the change log says, row by row: missing rows, guards, refused values', async () => {
    const SQL = await loadSql();
    let batched = 0;
    let rising = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let r = s.seed;
        const rand = (n: number): number => (r = (r * 1103515245 + 12345) & 0x7fffffff) % n;
        const db = new SQL.Database() as unknown as SqlDatabase;
        configureConnection(db, true);
        db.run(
          "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c, e TEXT CHECK (e IS NULL OR e <> 'refused'), u TEXT UNIQUE)",
        );
        const ids: number[] = [];
        for (let i = 0; i < s.rows; i++) {
          const id = 1 + i * s.gap;
          ids.push(id);
          db.run('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)', [
            id,
            `a${i}`,
            i / 4,
            i % 3 ? i : `c${i}`,
            null,
            `u${i}`,
          ]);
        }
        const info = findTable(db, 't')!;
        const table = new TrackedTable(info, readTable(db, info, 0));
        for (let k = 0; k < s.edits; k++) {
          const id = ids[(k * 7919) % ids.length]!;
          for (const c of s.columns) {
            const v =
              c === 'b'
                ? NUMBERS[rand(NUMBERS.length)]!
                : c === 'c'
                  ? ANY[rand(ANY.length)]!
                  : c === 'u'
                    ? // Now and then the value a row a few keys away holds before the push (in
                      // the same batch, mostly): whether it is free when this row takes it
                      // depends on the order the rows are written in.
                      rand(700) === 0
                      ? `u${(((k * 7919) % ids.length) + (rand(2) ? 1 : -1) * (1 + rand(3)) + ids.length) % ids.length}`
                      : `n${k}`
                    : s.refused !== null && c === 'e' && k === s.refused % s.edits
                      ? 'refused'
                      : TEXTS[rand(TEXTS.length)]!;
            table.set(id, c, v);
          }
        }
        const plan = s.descending ? reversed(table.plan()) : table.plan();
        for (const n of s.changed)
          db.run(`UPDATE t SET ${s.columns[0]} = ? WHERE id = ?`, [
            `theirs ${n}`,
            ids[n % ids.length]!,
          ]);
        for (const n of s.deleted) db.run('DELETE FROM t WHERE id = ?', [ids[n % ids.length]!]);
        const bytes = (db as unknown as { export(): Uint8Array }).export();
        db.close();
        const batches: string[] = [];
        const logged = outcome(bytes, SQL, plan, s.conflict, true, []);
        const own = outcome(bytes, SQL, plan, s.conflict, false, batches);
        if (!s.descending) rising++;
        if (batches.length) batched++;
        expect(own).toEqual(logged);
      }),
      { numRuns: RUNS },
    );
    // The batches ran, not only the rows one by one; never for rows listed last first.
    expect(batched).toBeGreaterThan(rising / 2);
    expect(batched).toBeLessThanOrEqual(rising);
  });
});
