import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { needsChangeLog } from '../../src/engine/change-log';
import { findTable, introspect } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import { configureConnection, type SqlDatabase } from '../../src/engine/sqlite';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import type { SqlValue } from '../../src/values/sql-value';
import { TrackedTable } from '../../src/table/tracked-table';
import { outcomeOf } from '../support/push-outcome';
import { loadSql } from '../support/memory-storage';
import { expectOthersFollow } from '../support/sql-round-trip';

/**
 * Tables whose pushes need no change log: an INTEGER PRIMARY KEY one, one keyed by rowid, and one
 * keyed by text (its rowid is not its key: the steps learn rowids by RETURNING them). The plans'
 * integer keys address the text keys as SQLite compares them ('7' = 7 under TEXT affinity).
 */
const SCHEMAS = {
  keyed: { sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL DEFAULT 1.5)', key: 'id' },
  rowid: { sql: 'CREATE TABLE t (a TEXT, b REAL DEFAULT 1.5)', key: 'rowid' },
  text: { sql: 'CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b REAL DEFAULT 1.5)', key: 'id' },
  // Untyped (BLOB affinity), keyed by integers beyond 2^53: stored and found as integers only
  // where they are bound as such.
  wide: { sql: 'CREATE TABLE t (id PRIMARY KEY, a, b REAL DEFAULT 1.5)', key: 'id' },
} as const;

type Shape = keyof typeof SCHEMAS;

/** The key a shape's table gives row `k` (`wide`: beyond 2^53, 1 and 2 at the ends of 64 bits). */
function keyFor(shape: Shape, k: number): SqlValue {
  if (shape !== 'wide') return k;
  return k === 1 ? -(2n ** 63n) : k === 2 ? 2n ** 63n - 1n : 2n ** 60n + BigInt(k);
}

interface Edits {
  readonly deletes: number[];
  readonly updates: [number, string][];
  /** [key or null (assigned by SQLite), a] */
  readonly inserts: [number | null, string][];
  /** [from, to]: key moves to keys no row holds */
  readonly moves: [number, number][];
}

const ROWS = 12;

const edits = fc.record({
  deletes: fc.uniqueArray(fc.integer({ min: 1, max: ROWS + 3 }), { maxLength: 5 }),
  updates: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: ROWS + 3 }), fc.string()), {
    maxLength: 6,
    selector: ([k]) => k,
  }),
  inserts: fc.uniqueArray(
    fc.tuple(fc.option(fc.integer({ min: 100, max: 120 }), { nil: null }), fc.string()),
    { maxLength: 5, selector: ([k, a]) => (k === null ? `assigned ${a}` : k) },
  ),
  moves: fc.uniqueArray(
    fc.tuple(fc.integer({ min: 1, max: ROWS }), fc.integer({ min: 200, max: 220 })),
    {
      maxLength: 4,
      selector: ([from]) => from,
    },
  ),
});

function planOf(shape: Shape, e: Edits): ExecutionPlan {
  const key = SCHEMAS[shape].key;
  const k = (n: number): SqlValue => keyFor(shape, n);
  const steps: PlanStep[] = [];
  const moves = e.moves.filter(([, to], i) => e.moves.findIndex(([, t]) => t === to) === i);
  steps.push({
    kind: 'delete',
    table: 't',
    key: [key],
    keyTypes: [''],
    keys: [e.deletes.map(k)],
    count: e.deletes.length,
    guard: null,
  });
  steps.push({
    kind: 'update',
    table: 't',
    key: [key],
    keyTypes: [''],
    keys: [e.updates.map(([n]) => k(n))],
    set: ['a'],
    types: [''],
    values: [e.updates.map(([, a]) => a)],
    count: e.updates.length,
    guard: null,
  });
  steps.push({
    kind: 'update',
    table: 't',
    key: [key],
    keyTypes: [''],
    keys: [moves.map(([from]) => k(from))],
    set: [key, 'a'],
    types: ['', ''],
    values: [moves.map(([, to]) => k(to)), moves.map(([, to]) => `moved to ${to}`)],
    count: moves.length,
    guard: null,
  });
  const keyed = e.inserts.filter(([k]) => k !== null);
  const assigned = e.inserts.filter(([k]) => k === null);
  steps.push({
    kind: 'insert',
    table: 't',
    key: [key],
    keyTypes: [''],
    columns: [key, 'a'],
    types: ['', ''],
    values: [keyed.map(([n]) => k(n!)), keyed.map(([, a]) => a)],
    count: keyed.length,
  });
  steps.push({
    kind: 'insert',
    table: 't',
    key: [key],
    keyTypes: [''],
    columns: ['a'],
    types: [''],
    values: [assigned.map(([, a]) => a)],
    count: assigned.length,
  });
  return { version: 2, steps: steps.filter((s) => !('count' in s) || s.count > 0) };
}

async function database(shape: Shape): Promise<SqlDatabase> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  configureConnection(db, true);
  db.run(SCHEMAS[shape].sql);
  for (let i = 1; i <= ROWS; i++)
    if (shape === 'wide') db.run(`INSERT INTO t (id, a) VALUES (${keyFor(shape, i)}, 'row ${i}')`);
    else
      db.run(
        `INSERT INTO t (${shape !== 'rowid' ? 'id, ' : ''}a) VALUES (${shape !== 'rowid' ? '?, ' : ''}?)`,
        [
          ...(shape === 'keyed' ? [i] : shape === 'text' ? [String(i)] : []),
          `row ${i}`,
        ] as SqlValue[],
      );
  return db;
}

describe('data steps without the change log', () => {
  for (const shape of ['keyed', 'rowid', 'text', 'wide'] as const) {
    it(`report the same effects and leave the same rows as with it (${shape} table)`, async () => {
      await fc.assert(
        fc.asyncProperty(edits, async (e) => {
          const plan = planOf(shape, e);
          const run = async (alwaysLog: boolean) =>
            outcomeOf(await database(shape), 't', plan, alwaysLog);
          expect(await run(false)).toEqual(await run(true));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('report a row deleted and inserted again in one push as written, not deleted', async () => {
    // One delete step whose keys are a Float64Array, as plans carry them: its rows are one run.
    const keys = fc.uniqueArray(fc.integer({ min: 1, max: ROWS + 2 }), {
      minLength: 1,
      maxLength: 5,
    });
    await fc.assert(
      fc.asyncProperty(keys, keys, async (deletes, inserts) => {
        const plan: ExecutionPlan = {
          version: 2,
          steps: [
            {
              kind: 'delete',
              table: 't',
              key: ['id'],
              keyTypes: [''],
              keys: [Float64Array.from(deletes)],
              count: deletes.length,
              guard: null,
            },
            {
              kind: 'insert',
              table: 't',
              key: ['id'],
              keyTypes: [''],
              columns: ['id', 'a'],
              types: ['', ''],
              values: [Float64Array.from(inserts), inserts.map((k) => `again ${k}`)],
              count: inserts.length,
            },
          ],
        };
        const run = async (alwaysLog: boolean) =>
          outcomeOf(await database('keyed'), 't', plan, alwaysLog);
        expect(await run(false)).toEqual(await run(true));
      }),
      { numRuns: 150 },
    );
  });

  it('know the images of inserted rows exactly where they skip reading them back', async () => {
    const columns = ['t', 'i', 'r', 'n', 'b', 'flag'];
    const anyValue = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.constantFrom('12', ' 7 ', '1e3', '0x10', 'a\u0000b', '\ud800', '-0', '3.0', 'x1'),
      fc.integer(),
      fc.double(),
      fc.constantFrom(-0, 2 ** 53, 2 ** 60, -(2 ** 63), 1.5, 2 ** 31),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.uint8Array({ maxLength: 4 }),
    );
    const row = fc.tuple(
      fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
      fc.array(anyValue, { minLength: 6, maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(row, {
          maxLength: 8,
          selector: ([id, v]) => id ?? JSON.stringify(String(v)),
        }),
        async (rows) => {
          const keyed = rows.filter(([id]) => id !== null);
          const assigned = rows.filter(([id]) => id === null);
          const steps: PlanStep[] = [
            {
              kind: 'insert',
              table: 'v',
              key: ['id'],
              keyTypes: [''],
              columns: ['id', ...columns],
              types: ['id', ...columns].map(() => ''),
              values: [
                keyed.map(([id]) => id),
                ...columns.map((_, c) => keyed.map(([, v]) => v[c] as SqlValue)),
              ],
              count: keyed.length,
            },
            {
              kind: 'insert',
              table: 'v',
              key: ['id'],
              keyTypes: [''],
              columns,
              types: columns.map(() => ''),
              values: columns.map((_, c) => assigned.map(([, v]) => v[c] as SqlValue)),
              count: assigned.length,
            },
          ];
          const run = async (alwaysLog: boolean) => {
            const SQL = await loadSql();
            const db = new SQL.Database();
            configureConnection(db, true);
            db.run(
              'CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, i INTEGER, r REAL, n NUMERIC, b, flag BOOLEAN)',
            );
            return outcomeOf(db, 'v', { version: 2, steps }, alwaysLog);
          };
          expect(await run(false)).toEqual(await run(true));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('record updates as patches that replay and readers turn into the logged rows', async () => {
    // Several update steps over the same rows, setting different columns to values of every type
    // (some stored as given, some converted by affinity), with deletes and re-inserts between.
    const columns = ['t', 'i', 'r', 'n', 'b'];
    const anyValue = fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('12', ' 7 ', '1e3', 'a\u0000b', '\ud800', '3.0'),
      fc.integer(),
      fc.double(),
      fc.constantFrom(-0, 2 ** 53, 2 ** 60, 1.5),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.uint8Array({ maxLength: 3 }),
    );
    // Rows 1 to 6 exist at the start; inserts mostly take new keys, so that later steps of the
    // same push update and delete rows it inserted.
    const ids = fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { maxLength: 5 });
    const newIds = fc.uniqueArray(fc.integer({ min: 6, max: 10 }), { minLength: 1, maxLength: 3 });
    const update = fc.record({
      set: fc.subarray(columns, { minLength: 1 }),
      rows: fc.array(
        fc.tuple(
          fc.integer({ min: 1, max: 10 }),
          fc.array(anyValue, { minLength: 5, maxLength: 5 }),
        ),
        { maxLength: 5 },
      ),
    });
    const stepOf = fc.oneof(
      update.map((u): PlanStep => ({
        kind: 'update',
        table: 'v',
        key: ['id'],
        keyTypes: [''],
        keys: [u.rows.map(([id]) => id)],
        set: u.set,
        types: u.set.map(() => ''),
        values: u.set.map((c) => u.rows.map(([, v]) => v[columns.indexOf(c)] as SqlValue)),
        count: u.rows.length,
        guard: null,
      })),
      // Rows given new keys (a key move), alone or with another column: readers must find each
      // row by the key it had as stored ('7' in a TEXT key addressed by the plan's 7).
      fc
        .tuple(
          fc.uniqueArray(
            fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 40 })),
            { selector: ([from]) => from, minLength: 1, maxLength: 3 },
          ),
          fc.boolean(),
        )
        .map(([moves, withText]): PlanStep => ({
          kind: 'update',
          table: 'v',
          key: ['id'],
          keyTypes: [''],
          keys: [moves.map(([from]) => from)],
          set: withText ? ['id', 't'] : ['id'],
          types: withText ? ['', ''] : [''],
          values: withText
            ? [moves.map(([, to]) => to), moves.map(([, to]) => `moved to ${to}`)]
            : [moves.map(([, to]) => to)],
          count: moves.length,
          guard: null,
        })),
      // Keys as an array, or as the Float64Array plans carry numbers in (one delete step's rows
      // are then kept as one run, see DeletedRows).
      fc.tuple(ids, fc.boolean()).map(([keys, typed]): PlanStep => ({
        kind: 'delete',
        table: 'v',
        key: ['id'],
        keyTypes: [''],
        keys: [typed ? Float64Array.from(keys) : keys],
        count: keys.length,
        guard: null,
      })),
      // Rows given in full have known images; the others are read back.
      fc
        .tuple(
          newIds,
          fc.boolean(),
          fc.oneof(
            fc.array(anyValue, { minLength: 5, maxLength: 5 }),
            // Values each column stores as given, so that the image is known.
            fc.tuple(
              fc.constantFrom('x', 'abc', null),
              fc.integer(),
              fc.constantFrom(0.5, -2.25, null),
              fc.integer(),
              fc.constantFrom('', 'y', null),
            ),
          ),
        )
        .map(([keys, full, row]): PlanStep => ({
          kind: 'insert',
          table: 'v',
          key: ['id'],
          keyTypes: [''],
          columns: full ? ['id', ...columns] : ['id', 't'],
          types: (full ? ['id', ...columns] : ['id', 't']).map(() => ''),
          values: full
            ? [keys, ...row.map((v) => keys.map(() => v as SqlValue))]
            : [keys, keys.map((k) => `new ${k}`)],
          count: keys.length,
        })),
    );
    await fc.assert(
      // The key the rowid, or a column of its own, in a rowid table or WITHOUT ROWID: effects tell
      // readers every key as stored, where the plan's integer keys address TEXT keys by affinity
      // ('7' = 7), in patches, deletes and key moves alike.
      fc.asyncProperty(
        fc.array(stepOf, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('INTEGER', 'TEXT', 'INT', 'TEXT WITHOUT ROWID', 'INT WITHOUT ROWID'),
        async (steps, shape) => {
          const SQL = await loadSql();
          const [keyType, withoutRowid] = shape.split(/ (?=WITHOUT)/);
          const start = (): SqlDatabase => {
            const db = new SQL.Database();
            configureConnection(db, true);
            db.run(
              `CREATE TABLE v (id ${keyType} PRIMARY KEY, t TEXT, i INTEGER, r REAL, n NUMERIC, b)${withoutRowid ? ` ${withoutRowid}` : ''}`,
            );
            for (let k = 1; k <= 6; k++)
              db.run('INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)', [k, `t${k}`, k, k + 0.5, k, null]);
            return db;
          };
          const plan: ExecutionPlan = { version: 2, steps };
          // The logged and unlogged effects tell the same (compared by rowid: rowid tables).
          if (!withoutRowid) {
            const logged = outcomeOf(start(), 'v', plan, true);
            expect(outcomeOf(start(), 'v', plan, false)).toEqual(logged);
          }
          for (const alwaysLog of [false, true]) {
            const db = start();
            const info = findTable(db, 'v')!;
            const reader = new TrackedTable(info, readTable(db, info, 0));
            const snapshot = db.export();
            let applied;
            try {
              applied = applyPlan(db, plan, { conflict: 'overwrite', alwaysLog });
            } catch {
              db.close();
              return;
            }
            // Replay and a reader of the state before both end at the state after.
            expectOthersFollow(db, snapshot, applied, reader, info);
            db.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are used only where nothing but the statements changes rows', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    configureConnection(db, true);
    db.run(`
      CREATE TABLE plain (id INTEGER PRIMARY KEY, a TEXT);
      CREATE TABLE byrowid (a TEXT);
      CREATE TABLE wr (k TEXT PRIMARY KEY, a TEXT) WITHOUT ROWID;
      CREATE TABLE textkey (k TEXT PRIMARY KEY, a TEXT);
      CREATE TABLE trig (id INTEGER PRIMARY KEY, a TEXT);
      CREATE TRIGGER trig_up AFTER UPDATE ON trig BEGIN SELECT 1; END;
      CREATE TABLE replacing (id INTEGER PRIMARY KEY, a TEXT UNIQUE ON CONFLICT REPLACE);
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) ON DELETE CASCADE);
      CREATE TABLE parent2 (id INTEGER PRIMARY KEY);
      CREATE TABLE child2 (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent2(id));`);
    const tables = introspect(db);
    const needs = (...names: string[]) => needsChangeLog(db, tables, new Set(names));
    expect(needs('plain', 'byrowid', 'wr', 'textkey', 'child', 'parent2', 'child2')).toBe(false);
    for (const t of ['trig', 'replacing', 'parent', 'PARENT']) expect(needs(t)).toBe(true);
    db.run('PRAGMA foreign_keys=OFF');
    expect(needs('parent')).toBe(false);
    db.close();
  });
});
