import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangedKeys, narrowGuard } from '../../src/engine/changed-keys';
import type { EngineCore } from '../../src/engine/engine-core';
import type { ExecutionPlan, Guard, PlanStep } from '../../src/plan/execution-plan';
import type { TableEffect } from '../../src/protocol/engine-api';
import type { SqlValue } from '../../src/values/sql-value';
import { cellText, rowsText } from '../support/dump';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

/**
 * Tables keyed every way a guard can name rows. Row n (1..8 at first) has key `keyOf(n)`. A
 * trigger on `u` writes or deletes row NEW.n of `t`, so some commits touch `t` through the
 * change log rather than their own steps.
 */
interface Shape {
  readonly sql: string;
  readonly key: readonly string[];
  readonly keyOf: (n: number) => SqlValue[];
  /** SQL naming row NEW.n of t. */
  readonly where: string;
  readonly moves: boolean;
  /** Another spelling of a key part that SQL finds equal (affinity, collation). */
  readonly respell: (v: SqlValue) => SqlValue;
}

const asText = (v: SqlValue): SqlValue => (typeof v === 'number' ? String(v) : v);

const SHAPES: Record<string, Shape> = {
  int: {
    sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL)',
    key: ['id'],
    keyOf: (n) => [n],
    where: 'id = NEW.n',
    moves: true,
    respell: asText,
  },
  text: {
    sql: 'CREATE TABLE t (k TEXT PRIMARY KEY COLLATE NOCASE, a TEXT, b REAL)',
    key: ['k'],
    keyOf: (n) => [`k${n}`],
    where: "k = 'K' || NEW.n",
    moves: true,
    respell: (v) => String(v).toUpperCase(),
  },
  rtrim: {
    sql: 'CREATE TABLE t (k TEXT COLLATE RTRIM PRIMARY KEY, a TEXT, b REAL)',
    key: ['k'],
    keyOf: (n) => [`r${n}`],
    where: "k = 'r' || NEW.n || '  '",
    moves: true,
    respell: (v) => `${String(v)} `,
  },
  pair: {
    sql: 'CREATE TABLE t (k1 TEXT, k2 INTEGER, a TEXT, b REAL, PRIMARY KEY (k1, k2)) WITHOUT ROWID',
    key: ['k1', 'k2'],
    keyOf: (n) => [`p${n % 3}`, n],
    where: "k1 = 'p' || (NEW.n % 3) AND k2 = NEW.n",
    moves: true,
    respell: asText,
  },
  rowid: {
    sql: 'CREATE TABLE t (a TEXT, b REAL)',
    key: ['rowid'],
    keyOf: (n) => [n],
    where: 'rowid = NEW.n',
    moves: false,
    respell: asText,
  },
};
const ROWS = 8;
const KEYS = 12;

/** One commit of another writer, on row `n` (a key move goes to `to`, an insert makes row `n`). */
type Op =
  | {
      kind: 'set' | 'delete' | 'insert' | 'viaTrigger' | 'deleteViaTrigger';
      n: number;
      respell: boolean;
    }
  | { kind: 'move'; n: number; to: number; respell: boolean }
  | { kind: 'retype'; n: 0; respell: false };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    // Plain sets most often: on a table keyed by its rowid, their rows travel as patches.
    kind: fc.oneof(
      { arbitrary: fc.constant('set' as const), weight: 3 },
      {
        arbitrary: fc.constantFrom('delete', 'insert', 'viaTrigger', 'deleteViaTrigger' as const),
        weight: 4,
      },
    ),
    n: fc.integer({ min: 1, max: ROWS + 2 }),
    respell: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    n: fc.integer({ min: 1, max: ROWS + 2 }),
    to: fc.integer({ min: 1, max: KEYS }),
    respell: fc.boolean(),
  }),
  // Rebuilds the table, storing b as text: no reader can tell which rows changed.
  fc.constant({ kind: 'retype' as const, n: 0 as const, respell: false as const }),
);

const scenario = fc.record({
  shape: fc.constantFrom(...Object.keys(SHAPES)),
  ops: fc.array(op, { maxLength: 4 }),
  /** Whether another engine on the same storage commits them (caught up on) or this one. */
  elsewhere: fc.boolean(),
  deletes: fc.uniqueArray(fc.integer({ min: 1, max: ROWS }), { maxLength: 3 }),
  updates: fc.uniqueArray(fc.integer({ min: 1, max: ROWS }), { maxLength: 4 }),
  /** Guarded columns: some of a and b, or none (the row's presence alone). */
  columns: fc.subarray(['a', 'b']),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function fileOf(shape: Shape): Promise<Uint8Array> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(shape.sql);
  db.run(`CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER, v TEXT);
    CREATE TRIGGER u_write AFTER INSERT ON u WHEN NEW.v <> 'delete'
      BEGIN UPDATE t SET a = NEW.v WHERE ${shape.where}; END;
    CREATE TRIGGER u_delete AFTER INSERT ON u WHEN NEW.v = 'delete'
      BEGIN DELETE FROM t WHERE ${shape.where}; END;`);
  const cols = [...shape.key, 'a', 'b'];
  for (let n = 1; n <= ROWS; n++)
    db.run(`INSERT INTO t (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, [
      ...shape.keyOf(n),
      `a${n}`,
      n / 2,
    ]);
  const bytes = db.export();
  db.close();
  return bytes;
}

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

/**
 * The steps of one op, and the rows it may touch (by number). Ops that could not run (a row that
 * is not there, a key that is taken) are dropped, so every commit succeeds.
 */
function stepsOf(shape: Shape, o: Op, rows: Set<number>, seq: number): PlanStep[] | null {
  // The other writer may spell a key as SQL finds it equal (see `Shape.respell`).
  const keyOf = (n: number): SqlValue[] =>
    shape.keyOf(n).map((v) => (o.respell ? shape.respell(v) : v));
  const keys = (n: number): SqlValue[][] => keyOf(n).map((v) => [v]);
  const base = {
    table: 't',
    key: shape.key,
    keyTypes: shape.key.map(() => ''),
    count: 1,
    guard: null,
  };
  switch (o.kind) {
    case 'set':
      if (!rows.has(o.n)) return null;
      return [
        {
          ...base,
          kind: 'update',
          keys: keys(o.n),
          set: ['a', 'b'],
          types: ['', ''],
          values: [[`w${seq}`], [seq]],
        },
      ];
    case 'delete':
      if (!rows.delete(o.n)) return null;
      return [{ ...base, kind: 'delete', keys: keys(o.n) }];
    case 'insert':
      if (rows.has(o.n)) return null;
      rows.add(o.n);
      return [
        {
          table: base.table,
          key: base.key,
          keyTypes: base.key.map(() => ''),
          count: base.count,
          kind: 'insert',
          columns: [...shape.key, 'a'],
          types: [...shape.key.map(() => ''), 'TEXT'],
          values: [...keys(o.n), [`i${seq}`]],
        },
      ];
    case 'move': {
      if (!shape.moves || !rows.has(o.n) || rows.has(o.to)) return null;
      rows.delete(o.n);
      rows.add(o.to);
      return [
        {
          ...base,
          kind: 'update',
          keys: keys(o.n),
          set: [...shape.key],
          types: shape.key.map(() => ''),
          values: keys(o.to),
        },
      ];
    }
    case 'retype':
      return [{ kind: 'retypeColumn', table: 't', column: 'b', declaredType: 'TEXT' }];
    default:
      if (o.kind === 'deleteViaTrigger') rows.delete(o.n);
      return [
        {
          table: 'u',
          kind: 'insert',
          key: ['id'],
          keyTypes: [''],
          columns: ['id', 'n', 'v'],
          types: ['', '', ''],
          values: [[seq * 100 + o.n], [o.n], [o.kind === 'viaTrigger' ? `t${seq}` : 'delete']],
          count: 1,
        },
      ];
  }
}

/**
 * The guarded deletes and updates of the push under test, as a table read at the basis would
 * send them. `lie`: rows for which the guard expects values the row never held.
 */
function pushOf(
  shape: Shape,
  s: Scenario,
  held: Map<number, SqlValue[]>,
  lie: Set<number>,
): PlanStep[] {
  const guard = (ns: number[]): Guard => ({
    key: shape.key,
    keys: shape.key.map((_, k) => ns.map((n) => shape.keyOf(n)[k]!)),
    columns: s.columns,
    kinds: s.columns.map((c) => (c === 'a' ? 'text' : 'real')),
    expected: s.columns.map((c) =>
      ns.map((n) =>
        lie.has(n) ? (c === 'a' ? 'never held' : -1) : held.get(n)![c === 'a' ? 0 : 1]!,
      ),
    ),
  });
  const keys = (ns: number[]): SqlValue[][] =>
    shape.key.map((_, k) => ns.map((n) => shape.keyOf(n)[k]!));
  const deletes = s.deletes;
  const updates = s.updates.filter((n) => !deletes.includes(n));
  const steps: PlanStep[] = [];
  if (deletes.length)
    steps.push({
      kind: 'delete',
      table: 't',
      key: shape.key,
      keyTypes: shape.key.map(() => ''),
      keys: keys(deletes),
      count: deletes.length,
      guard: guard(deletes),
    });
  if (updates.length)
    steps.push({
      kind: 'update',
      table: 't',
      key: shape.key,
      keyTypes: shape.key.map(() => ''),
      keys: keys(updates),
      set: ['a'],
      types: [''],
      values: [updates.map((n) => `pushed ${n}`)],
      count: updates.length,
      guard: guard(updates),
    });
  return steps;
}

/**
 * Runs the other writer's commits on a fresh engine, then the push: `based` says the push's table
 * is as of the commit before them. Returns what the push reported and the table after.
 */
async function run(
  s: Scenario,
  bytes: Uint8Array,
  push: (held: Map<number, SqlValue[]>) => PlanStep[],
  based: boolean,
): Promise<{ outcome: string; after: string[]; touched: Set<number> }> {
  const shape = SHAPES[s.shape]!;
  const storage = new MemoryStorage();
  const engine = await memoryEngine(storage);
  const { seq: basis } = await engine.importDatabase(bytes);
  // The values the file was made with (see `fileOf`).
  const held = new Map<number, SqlValue[]>();
  for (let n = 1; n <= ROWS; n++) held.set(n, [`a${n}`, n / 2]);
  const writer: EngineCore = s.elsewhere ? await memoryEngine(storage) : engine;
  const rows = new Set(Array.from({ length: ROWS }, (_, i) => i + 1));
  const touched = new Set<number>();
  for (const [i, o] of s.ops.entries()) {
    const steps = stepsOf(shape, o, rows, i + 1);
    if (!steps) continue;
    const { effects } = await writer.apply(plan(...steps), { pushId: `w${i}` });
    touched.add(o.n);
    if (o.kind === 'move') touched.add(o.to);
    // A commit whose rows readers cannot tell (a rebuilt table, a trigger that deleted a row not
    // keyed by its rowid) may have touched any row.
    if (effects.some((e) => e.table === 't' && e.reload))
      for (let n = 1; n <= KEYS; n++) touched.add(n);
  }
  const pushed: ExecutionPlan = {
    ...plan(...push(held)),
    ...(based ? { basis: [{ table: 't', seq: basis }] } : {}),
  };
  let outcome: string;
  try {
    const r = await engine.apply(pushed, { pushId: 'push' });
    outcome = JSON.stringify(r.effects, (_, v: unknown) =>
      typeof v === 'object' ? v : cellText(v),
    );
  } catch (err) {
    const e = err as { code?: string; conflicts?: unknown };
    outcome = `${e.code}: ${JSON.stringify(e.conflicts ?? String(err), (_, v: unknown) => (typeof v === 'object' ? v : cellText(v)))}`;
  }
  const after = rowsText(await engine.readTable('t'));
  await engine.close();
  if (writer !== engine) await writer.close();
  return { outcome, after, touched };
}

describe('guards narrowed to the rows commits since the basis changed', () => {
  it('decide every push as checking every guarded row does, and never read the others', async () => {
    const seen = { conflicts: 0, lies: 0, written: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const shape = SHAPES[s.shape]!;
        const bytes = await fileOf(shape);
        const honest = (held: Map<number, SqlValue[]>): PlanStep[] =>
          pushOf(shape, s, held, new Set());
        const narrowed = await run(s, bytes, honest, true);
        const whole = await run(s, bytes, honest, false);
        expect(narrowed).toEqual(whole);
        // Rows no commit since the basis touched are not read at all: guards on them that expect
        // values never held change nothing.
        const untouched = new Set(
          [...s.deletes, ...s.updates].filter((n) => !narrowed.touched.has(n)),
        );
        const lying = await run(s, bytes, (held) => pushOf(shape, s, held, untouched), true);
        expect(lying).toEqual(narrowed);
        if (narrowed.outcome.startsWith('conflict')) seen.conflicts++;
        else seen.written++;
        if (untouched.size && s.columns.length) seen.lies++;
      }),
      {
        numRuns: 400,
        // A row whose only trace is a patch (a plain set on a table keyed by its rowid).
        examples: (['int', 'rowid'] as const).map((shape): [Scenario] => [
          {
            shape,
            ops: [{ kind: 'set' as const, n: 2, respell: shape === 'rowid' }],
            elsewhere: false,
            deletes: [],
            updates: [2],
            columns: ['a'],
          },
        ]),
      },
    );
    expect(seen.conflicts).toBeGreaterThan(20);
    expect(seen.written).toBeGreaterThan(20);
    expect(seen.lies).toBeGreaterThan(50);
  });

  it('keep a guard whole when its rows are named by other key columns than the commits name', () => {
    const effect = (key: string[], rows: number[]): TableEffect => ({
      table: 't',
      reload: false,
      dropped: false,
      key,
      deleted: { rowids: null, keys: [rows] },
      upserts: { rowids: null, columns: key, values: [[]], priorKeys: [[]] },
    });
    const guard: Guard = {
      key: ['rowid'],
      keys: [[1, 2, 3]],
      columns: ['a'],
      kinds: ['text'],
      expected: [['x', 'y', 'z']],
    };
    const changed = new ChangedKeys();
    expect(changed.add(effect(['rowid'], [2]))).toBe(true);
    expect(narrowGuard(guard, changed)).toEqual({ ...guard, keys: [[2]], expected: [['y']] });
    // The same rows under another name for the rowid: which of them changed is not told.
    const renamed = new ChangedKeys();
    expect(renamed.add(effect(['oid'], [2]))).toBe(true);
    expect(narrowGuard(guard, renamed)).toBe(guard);
    // Commits that name the key differently from each other: nothing is known.
    expect(renamed.add(effect(['rowid'], [3]))).toBe(false);
    // Past its limit (rows counted as added, twice if twice), neither.
    const few = new ChangedKeys(3);
    expect(few.add(effect(['rowid'], [1, 2]))).toBe(true);
    expect(few.add(effect(['rowid'], [2]))).toBe(true);
    expect(few.add(effect(['rowid'], [3]))).toBe(false);
  });
});
