import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import type { ColumnValues, DataStep, ExecutionPlan, Guard } from '../../src/plan/execution-plan';
import { decodeValue, formatDay, parseDay } from '../../src/values/codec';
import type { ColumnKind } from '../../src/values/column-kind';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import { cellText, dump } from '../support/dump';
import { ExactStatement } from '../../src/engine/exact-statement';
import { loadSql } from '../support/memory-storage';

/** Columns of every kind, with affinities and a collation that SQL comparisons could trip on. */
const COLUMNS: [string, string, ColumnKind][] = [
  ['i', 'INTEGER', 'integer'],
  ['r', 'REAL', 'real'],
  ['s', 'TEXT COLLATE NOCASE', 'text'],
  ['x', 'BLOB', 'blob'],
  ['n', 'NUMERIC', 'numeric'],
  ['a', '', 'any'],
  ['f', 'BOOLEAN', 'boolean'],
  ['d', 'DATE', 'date'],
];
const ROWS = 8;

const SCHEMAS = {
  keyed: `CREATE TABLE t (id INTEGER PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
  rowid: `CREATE TABLE t (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
};
type Shape = keyof typeof SCHEMAS;
const keyOf = (shape: Shape): string => (shape === 'keyed' ? 'id' : 'rowid');

/** Values to store (affinity applies) and to expect (some equal in SQL but not when decoded). */
const TRICKY: CellValue[] = [
  null,
  0,
  1,
  -0,
  1.5,
  NaN,
  Infinity,
  2 ** 60,
  9007199254740993n,
  -(2n ** 63n),
  2n ** 63n - 1n,
  '9007199254740993',
  '1',
  '1.0',
  'abc',
  'ABC',
  '',
  '2024-01-01',
  '\ud800',
  'a\u0000b',
  new Uint8Array([1]),
  new Uint8Array([]),
  true,
  false,
  new Date(Date.UTC(2024, 0, 1)),
];
const stored: fc.Arbitrary<SqlValue> = fc.oneof(
  // Mostly the values tables hold, which guards can check inside statements...
  {
    arbitrary: fc.constantFrom<SqlValue>(
      null,
      0,
      1,
      1.5,
      -7,
      'abc',
      '1',
      '2024-01-01',
      new Uint8Array([1]),
    ),
    weight: 3,
  },
  // ...and the values that take the read-based way (or would trip a careless SQL comparison).
  {
    arbitrary: fc.constantFrom(
      ...(TRICKY.filter((v) => typeof v !== 'boolean' && !(v instanceof Date)) as SqlValue[]),
    ),
    weight: 1,
  },
);

/** Values that a careless SQL comparison would find equal to `v`, but a read does not. */
function near(v: CellValue): CellValue[] {
  if (v === null) return [NaN, new Uint8Array([]), '', 0];
  if (typeof v === 'boolean') return [Number(v), String(Number(v)), !v, BigInt(v)];
  if (typeof v === 'number')
    return [
      String(v),
      v + 0.5,
      ...(Number.isSafeInteger(v) ? [BigInt(v)] : []),
      ...(v === 0 || v === 1 ? [v === 1] : []),
    ];
  if (typeof v === 'bigint') return [Number(v), String(v), v > 0n ? v - 1n : v + 1n];
  if (typeof v === 'string') {
    const day = parseDay(v);
    return [
      v.toUpperCase() !== v ? v.toUpperCase() : v.toLowerCase(),
      ...(v.trim() !== '' && !Number.isNaN(Number(v)) ? [Number(v)] : []),
      ...(/^-?\d+$/.test(v) ? [BigInt(v)] : []),
      ...(day ? [day] : []),
      `${v} `,
      // A lone surrogate, stored by someone else, reads back as U+FFFD.
      ...(v.includes('\ufffd') ? [v.replace(/\ufffd+/g, '\ud800')] : []),
    ];
  }
  if (v instanceof Uint8Array) return [String.fromCharCode(...v), new Uint8Array([...v, 0])];
  return [formatDay(v), v.getTime()];
}

interface GuardSpec {
  readonly rows: number[];
  readonly columns: number[];
  /**
   * Per row, per column: null to expect the value the row holds, n >= 0 for TRICKY[n], n < 0 for
   * a value near the one it holds (see `near`).
   */
  readonly expect: (number | null)[][];
}

const guardSpec = (maxRows: number): fc.Arbitrary<GuardSpec> =>
  fc
    .record({
      rows: fc.uniqueArray(fc.integer({ min: 1, max: ROWS + 1 }), {
        minLength: 1,
        maxLength: maxRows,
      }),
      columns: fc.uniqueArray(fc.nat({ max: COLUMNS.length - 1 }), { maxLength: 3 }),
    })
    .chain(({ rows, columns }) =>
      fc
        .array(
          fc.array(
            fc.oneof(
              { arbitrary: fc.constant(null), weight: 10 },
              { arbitrary: fc.nat({ max: 7 }).map((n) => -1 - n), weight: 3 },
              { arbitrary: fc.nat({ max: TRICKY.length - 1 }), weight: 1 },
            ),
            {
              minLength: columns.length,
              maxLength: columns.length,
            },
          ),
          { minLength: rows.length, maxLength: rows.length },
        )
        .map((expect) => ({ rows, columns, expect })),
    );

const scenario = fc.record({
  shape: fc.constantFrom<Shape>('keyed', 'rowid'),
  table: fc.array(fc.array(stored, { minLength: COLUMNS.length, maxLength: COLUMNS.length }), {
    minLength: ROWS,
    maxLength: ROWS,
  }),
  deletes: fc.option(guardSpec(3), { nil: null }),
  updates: fc.option(guardSpec(4), { nil: null }),
  /** Rows inserted before the update step (ids that may be guarded later), or none. */
  insertBefore: fc.uniqueArray(fc.integer({ min: ROWS - 1, max: ROWS + 4 }), { maxLength: 2 }),
  copyKeys: fc.boolean(),
  numbers: fc.boolean(),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/**
 * One guarded row whose expected values all hold but one, which is near the value the row holds:
 * where SQL and the read could disagree, nothing else decides the outcome.
 */
const nearMiss: fc.Arbitrary<Scenario> = fc
  .record({
    shape: fc.constantFrom<Shape>('keyed', 'rowid'),
    table: scenario.map((s) => s.table),
    row: fc.integer({ min: 1, max: ROWS }),
    columns: fc.uniqueArray(fc.nat({ max: COLUMNS.length - 1 }), { minLength: 1, maxLength: 3 }),
    which: fc.nat(),
    near: fc.nat({ max: 7 }),
    del: fc.boolean(),
    numbers: fc.boolean(),
  })
  .map(({ row, columns, which, near, del, ...rest }) => {
    const expect = [columns.map((_, j) => (j === which % columns.length ? -1 - near : null))];
    const spec: GuardSpec = { rows: [row], columns, expect };
    return {
      ...rest,
      deletes: del ? spec : null,
      updates: del ? null : spec,
      insertBefore: [],
      copyKeys: false,
    };
  });

/** Runs a plan with guards checked inside statements and with guards read; both must agree. */
async function compareWays(s: Scenario): Promise<{ inStatement: boolean; code?: string }> {
  // Closed once planned: sql.js names each database's file at random and a database left open
  // keeps its file, so a later database could draw the same name and open this one's tables
  // ("table t already exists", seen once in CI after ~1,100 were left open).
  const planning = await database(s);
  const plan = planOf(planning, s);
  planning.close();
  const inline = outcomeOf(await database(s), plan, false);
  const read = outcomeOf(await database(s), plan, true);
  expect(read.inStatement).toBe(false);
  expect({ outcome: inline.outcome, after: inline.after }).toEqual({
    outcome: read.outcome,
    after: read.after,
  });
  const code = (inline.outcome as { code?: string }).code;
  return { inStatement: inline.inStatement, ...(code ? { code } : {}) };
}

async function database(s: Scenario): Promise<SqlDatabase> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  configureConnection(db, true);
  db.run(SCHEMAS[s.shape]);
  const names = COLUMNS.map(([n]) => n);
  // Bound as the engine binds values: a BigInt as the integer it is.
  const insert = new ExactStatement(
    db,
    `INSERT INTO t (rowid, ${names.join(', ')}) VALUES (?, ${names.map(() => '?').join(', ')})`,
  );
  s.table.forEach((row, r) => insert.bind([r + 1, ...row] as SqlValue[]).step());
  insert.free();
  return db;
}

function guardOf(db: SqlDatabase, s: Scenario, g: GuardSpec, keys: ColumnValues): Guard {
  const columns = g.columns.map((c) => COLUMNS[c]![0]);
  const kinds = g.columns.map((c) => COLUMNS[c]![2]);
  const held = new Map(
    selectRows(db, `SELECT rowid, ${COLUMNS.map(([n]) => n).join(', ')} FROM t`).map(
      ([rowid, ...row]) => [Number(rowid), row],
    ),
  );
  const expected = g.columns.map((c, j) => {
    const col = g.rows.map((r, i) => {
      const pick = g.expect[i]![j]!;
      if (pick !== null && pick >= 0) return TRICKY[pick]!;
      const now = decodeValue(kinds[j]!, held.get(r)?.[c] ?? null);
      if (pick === null) return now;
      const like = near(now);
      return like[(-1 - pick) % like.length]!;
    });
    // As the plan builder does: a column of numbers travels as a Float64Array.
    return s.numbers && col.every((v) => typeof v === 'number')
      ? Float64Array.from(col as number[])
      : col;
  });
  return {
    key: [keyOf(s.shape)],
    keys: [s.copyKeys ? Array.from(keys) : keys],
    columns,
    kinds,
    expected,
  };
}

function planOf(db: SqlDatabase, s: Scenario): ExecutionPlan {
  const key = keyOf(s.shape);
  const steps: DataStep[] = [];
  if (s.deletes) {
    const keys = s.deletes.rows;
    steps.push({
      kind: 'delete',
      table: 't',
      key: [key],
      keyTypes: [''],
      keys: [keys],
      count: keys.length,
      guard: guardOf(db, s, s.deletes, keys),
    });
  }
  if (s.insertBefore.length)
    steps.push({
      kind: 'insert',
      table: 't',
      key: [key],
      keyTypes: [''],
      columns: [key, 's'],
      types: ['', ''],
      values: [s.insertBefore, s.insertBefore.map((k) => `inserted ${k}`)],
      count: s.insertBefore.length,
    });
  if (s.updates) {
    const keys = s.updates.rows;
    steps.push({
      kind: 'update',
      table: 't',
      key: [key],
      keyTypes: [''],
      keys: [keys],
      set: ['i', 's'],
      types: ['', ''],
      values: [keys.map((k) => k * 10), keys.map((k) => `updated ${k}`)],
      count: keys.length,
      guard: guardOf(db, s, s.updates, keys),
    });
  }
  return { version: 2, steps };
}

/** What a push reports (effects, or the error with its conflicts) and the database after it. */
function outcomeOf(db: SqlDatabase, plan: ExecutionPlan, readGuards: boolean) {
  const before = dump(db);
  const sql: string[] = [];
  const prepare = db.prepare.bind(db);
  // Observed, not changed: which statements ran.
  db.prepare = (text: string) => (sql.push(text), prepare(text));
  let outcome: unknown;
  try {
    // Both runs are unlogged pushes of the same plan: their effects are equal, patches and all.
    outcome = applyPlan(db, plan, { conflict: 'fail', readGuards }).effects;
  } catch (err) {
    const e = err as { code?: string; conflicts?: unknown[] };
    outcome = {
      code: e.code,
      conflicts: JSON.stringify(e.conflicts ?? null, (_, v: unknown) => cellText(v)),
    };
    expect(dump(db)).toBe(before);
  }
  const after = dump(db);
  db.close();
  return { outcome, after, inStatement: sql.some((t) => t.includes('COLLATE BINARY')) };
}

describe('guards checked inside the write statements', () => {
  it('decide every push exactly as guards read before writing do', async () => {
    const seen = { inStatementOk: 0, inStatementConflict: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { inStatement, code } = await compareWays(s);
        if (inStatement && code === undefined) seen.inStatementOk++;
        if (inStatement && code === 'conflict') seen.inStatementConflict++;
      }),
      { numRuns: 600 },
    );
    // The property is only worth something if both ways out of the in-statement check happened.
    // Of 600 runs about 20 end in-statement without a conflict (12-27 seen) and about 45 with one:
    // the bounds sit well below, so that they fail only when the generator stops making them.
    expect(seen.inStatementOk).toBeGreaterThan(5);
    expect(seen.inStatementConflict).toBeGreaterThan(15);
  });

  it('refuse a row one of whose values is only near the expected one, as a read does', async () => {
    let inStatement = 0;
    await fc.assert(
      fc.asyncProperty(nearMiss, async (s) => {
        if ((await compareWays(s)).inStatement) inStatement++;
      }),
      { numRuns: 500 },
    );
    expect(inStatement).toBeGreaterThan(50);
  });
});
