import { describe, expect, it } from 'vitest';
import type { EngineCore } from '../../src/engine/engine-core';
import { ConflictError, PandalchemyError } from '../../src/errors/pandalchemy-error';
import type {
  ColumnValues,
  ExecutionPlan,
  PlanStep,
  UpdateStep,
} from '../../src/plan/execution-plan';
import type { ColumnarData } from '../../src/protocol/engine-api';
import { CHUNK_ROWS } from '../../src/engine/read-table';
import { ChunkJoiner } from '../../src/protocol/chunk-joiner';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

function plan(...steps: PlanStep[]): ExecutionPlan {
  return { version: 2, steps };
}

/** Plans of raw SQL are not a thing: tests set up schemas by importing a file built with sql.js. */
async function withSchema(sql: string, storage?: MemoryStorage): Promise<EngineCore> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = db.export();
  db.close();
  const engine = await memoryEngine(storage);
  await engine.importDatabase(bytes);
  return engine;
}

function rows(data: ColumnarData): Record<string, unknown>[] {
  return Array.from({ length: data.length }, (_, r) =>
    Object.fromEntries(data.names.map((n, c) => [n, data.columns[c]![r]])),
  );
}

async function errorOf(p: Promise<unknown>): Promise<PandalchemyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const insert = (table: string, columns: string[], ...values: unknown[][]): PlanStep => ({
  kind: 'insert',
  table,
  key: [],
  keyTypes: [],
  columns,
  types: columns.map(() => ''),
  values: columns.map((_, c) => values.map((row) => row[c] as never)),
  count: values.length,
});

describe('engine: apply', () => {
  it('reads back what the database decided: defaults, assigned keys, trigger effects', async () => {
    const e = await withSchema(`
      CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, made TEXT DEFAULT 'x');
      CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
      CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO audit (what) VALUES ('new ' || NEW.name); END;`);
    const result = await e.apply(plan(insert('t', ['name'], ['a'], ['b'])), { pushId: 'p1' });
    const t = result.effects.find((x) => x.table === 't')!;
    expect(t.upserts.columns).toEqual(['id', 'name', 'made']);
    expect([...t.upserts.values[0]!]).toEqual([1, 2]);
    expect([...t.upserts.values[2]!]).toEqual(['x', 'x']);
    const audit = result.effects.find((x) => x.table === 'audit')!;
    expect([...audit.upserts.values[1]!]).toEqual(['new a', 'new b']);
    expect(rows(await e.readTable('audit'))).toEqual([
      { id: 1, what: 'new a' },
      { id: 2, what: 'new b' },
    ]);
  });

  it('refuses a push whose guarded rows changed, naming keys and columns, and writes nothing', async () => {
    const e = await withSchema(`CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
      INSERT INTO t VALUES (1, 'x', 'y'), (2, 'x', 'y');`);
    const step: PlanStep = {
      kind: 'update',
      table: 't',
      key: ['id'],
      keyTypes: [''],
      keys: [[1, 2, 3]],
      set: ['a'],
      types: [''],
      values: [['n1', 'n2', 'n3']],
      count: 3,
      guard: {
        key: ['id'],
        keys: [[1, 2, 3]],
        columns: ['a'],
        kinds: ['text'],
        expected: [['x', 'changed elsewhere', 'x']],
      },
    };
    const err = await errorOf(e.apply(plan(step), { pushId: 'p' }));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).conflicts).toEqual([
      { table: 't', key: [2], columns: ['a'], missing: false },
      { table: 't', key: [3], columns: ['a'], missing: true },
    ]);
    expect(rows(await e.readTable('t')).map((r) => r['a'])).toEqual(['x', 'x']);
    // Overwrite skips the values guards compare, not that the rows are there: row 3 is not.
    const gone = await errorOf(e.apply(plan(step), { pushId: 'q', conflict: 'overwrite' }));
    expect((gone as ConflictError).conflicts).toEqual([
      { table: 't', key: [3], columns: [], missing: true },
    ]);
    expect(rows(await e.readTable('t')).map((r) => r['a'])).toEqual(['x', 'x']);
    const two = (c: ColumnValues): ColumnValues => c.slice(0, 2) as ColumnValues;
    const u = step as UpdateStep;
    const there: PlanStep = {
      ...u,
      keys: [two(u.keys[0]!)],
      values: [two(u.values[0]!)],
      count: 2,
      guard: {
        ...u.guard!,
        keys: [two(u.guard!.keys[0]!)],
        expected: [two(u.guard!.expected[0]! as ColumnValues)],
      },
    };
    await e.apply(plan(there), { pushId: 'r', conflict: 'overwrite' });
    expect(rows(await e.readTable('t')).map((r) => r['a'])).toEqual(['n1', 'n2']);
  });

  it('skips guards of a table no commit touched since the plan basis, and only then', async () => {
    const storage = new MemoryStorage();
    const e = await withSchema(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x');
       CREATE TABLE u (id INTEGER PRIMARY KEY, b TEXT); INSERT INTO u VALUES (1, 'x');`,
      storage,
    );
    // Each guard below expects a value the row does not hold: a read would refuse the push.
    const stale = (table: string, column: string, value: string): PlanStep => ({
      kind: 'update',
      table,
      key: ['id'],
      keyTypes: [''],
      keys: [[1]],
      set: [column],
      types: [''],
      values: [[value]],
      count: 1,
      guard: { key: ['id'], keys: [[1]], columns: [column], kinds: ['text'], expected: [['?']] },
    });
    const based = (step: PlanStep, seq: number): ExecutionPlan => ({
      ...plan(step),
      basis: [{ table: step.table, seq }],
    });
    const seq0 = (await e.state()).seq;
    expect(await errorOf(e.apply(plan(stale('t', 'a', 'n')), { pushId: 'p0' }))).toBeInstanceOf(
      ConflictError,
    );
    // Based on the current commit: nothing can have changed, so nothing is read.
    const r1 = await e.apply(based(stale('t', 'a', 'n1'), seq0), { pushId: 'p1' });
    expect(rows(await e.readTable('t'))).toEqual([{ id: 1, a: 'n1' }]);
    // A commit that touched another table leaves the basis of t good...
    const r2 = await e.apply(based(stale('u', 'b', 'n2'), seq0), { pushId: 'p2' });
    await e.apply(based(stale('t', 'a', 'n3'), r1.seq), { pushId: 'p3' });
    expect(rows(await e.readTable('t'))).toEqual([{ id: 1, a: 'n3' }]);
    // ...a commit that touched t does not: its guards are read, and refuse.
    for (const seq of [r1.seq, r2.seq]) {
      const err = await errorOf(e.apply(based(stale('t', 'a', 'n4'), seq), { pushId: 'p4' }));
      expect(err).toBeInstanceOf(ConflictError);
    }
    // A basis the engine cannot vouch for (before an import, or a commit it has not made) is
    // checked too.
    const now = (await e.state()).seq;
    const err5 = await errorOf(e.apply(based(stale('t', 'a', 'n5'), now + 1), { pushId: 'p5' }));
    expect(err5).toBeInstanceOf(ConflictError);
    // A commit number below 0 is no commit: the plan is malformed.
    const neg = await errorOf(e.apply(based(stale('t', 'a', 'n5'), -1), { pushId: 'p5' }));
    expect(neg).toMatchObject({ code: 'invalid_plan', field: 'basis[0].seq' });
    await e.importDatabase(await e.exportDatabase());
    const err = await errorOf(e.apply(based(stale('t', 'a', 'n6'), now), { pushId: 'p6' }));
    expect(err).toBeInstanceOf(ConflictError);
    // A second engine that caught up on the commits of the first one knows what they touched.
    const other = await memoryEngine(storage);
    const seq1 = (await other.state()).seq;
    await e.apply(based(stale('t', 'a', 'n7'), (await e.state()).seq), { pushId: 'p7' });
    const late = await errorOf(other.apply(based(stale('t', 'a', 'n8'), seq1), { pushId: 'p8' }));
    expect(late).toBeInstanceOf(ConflictError);
    expect(rows(await other.readTable('t'))).toEqual([{ id: 1, a: 'n7' }]);
    expect(
      await errorOf(e.apply({ ...plan(), basis: [{ table: 't' }] } as never, { pushId: 'x' })),
    ).toMatchObject({ code: 'invalid_plan' });
  });

  it('has readers reload a table where REPLACE may have deleted rows unseen, and checks its guards', async () => {
    const e = await withSchema(`
      CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT UNIQUE ON CONFLICT REPLACE);
      INSERT INTO r VALUES (1, 'x'), (2, 'y');
      CREATE TABLE w (k TEXT PRIMARY KEY, a TEXT UNIQUE) WITHOUT ROWID;
      INSERT INTO w VALUES ('k1', 'x'), ('k2', 'y');
      CREATE TABLE u (id INTEGER PRIMARY KEY, k TEXT);
      CREATE TRIGGER u_ins AFTER INSERT ON u BEGIN INSERT OR REPLACE INTO w VALUES (NEW.k, 'x'); END;`);
    const seq0 = (await e.state()).seq;
    // Row 1 goes, as the new row takes its value of a: no trigger fires for that.
    const first = await e.apply(plan(insert('r', ['id', 'a'], [3, 'x'])), { pushId: 'p1' });
    expect(first.effects.find((x) => x.table === 'r')!.reload).toBe(true);
    expect(rows(await e.readTable('r')).map((row) => row['id'])).toEqual([2, 3]);
    // A push based on before it, of row 1 as it was: refused, the row is missing.
    const stale: ExecutionPlan = {
      ...plan({
        kind: 'update',
        table: 'r',
        key: ['id'],
        keyTypes: [''],
        keys: [[1]],
        set: ['a'],
        types: [''],
        values: [['z']],
        count: 1,
        guard: { key: ['id'], keys: [[1]], columns: ['a'], kinds: ['text'], expected: [['x']] },
      }),
      basis: [{ table: 'r', seq: seq0 }],
    };
    const refused = await errorOf(e.apply(stale, { pushId: 'p2' }));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).conflicts).toMatchObject([{ key: [1], missing: true }]);
    // A trigger's INSERT OR REPLACE deletes k1 (its a is taken) unseen too.
    const second = await e.apply(plan(insert('u', ['id', 'k'], [1, 'k3'])), { pushId: 'p3' });
    expect(second.effects.find((x) => x.table === 'w')!.reload).toBe(true);
    expect(rows(await e.readTable('w')).map((row) => row['k'])).toEqual(['k2', 'k3']);
  });

  it('checks guards over composite, real, rowid and json_each-named keys alike', async () => {
    const e = await withSchema(`
      CREATE TABLE pairs ("key" TEXT, "value" INTEGER, "type" TEXT, PRIMARY KEY ("key", "value"));
      INSERT INTO pairs VALUES ('a', 1, 'x'), ('a', 2, 'x'), ('0', 1, 'x');
      CREATE TABLE reals (k REAL PRIMARY KEY, v TEXT);
      INSERT INTO reals VALUES (0.1, 'x'), (2.5, 'x');
      CREATE TABLE notes (body TEXT);
      INSERT INTO notes VALUES ('x'), ('x');`);
    const guarded = (
      table: string,
      key: string[],
      keys: unknown[][],
      column: string,
      expected: unknown[],
    ): PlanStep => ({
      kind: 'update',
      table,
      key,
      keyTypes: key.map(() => ''),
      keys: keys as never,
      set: [column],
      types: [''],
      values: [expected.map(() => 'new')],
      count: expected.length,
      guard: {
        key,
        keys: keys as never,
        columns: [column],
        kinds: ['text'],
        expected: [expected as never],
      },
    });
    const err = await errorOf(
      e.apply(
        plan(
          guarded(
            'pairs',
            ['key', 'value'],
            [
              ['a', 'a', '0', 'b'],
              [1, 2, 1, 1],
            ],
            'type',
            ['x', 'y', 'x', 'x'],
          ),
          guarded('reals', ['k'], [[0.1, 2.5, 3]], 'v', ['x', 'y', 'x']),
          guarded('notes', ['rowid'], [[1, 2, 3]], 'body', ['y', 'x', 'x']),
        ),
        { pushId: 'p' },
      ),
    );
    expect((err as ConflictError).conflicts).toEqual([
      { table: 'pairs', key: ['a', 2], columns: ['type'], missing: false },
      { table: 'pairs', key: ['b', 1], columns: ['type'], missing: true },
      { table: 'reals', key: [2.5], columns: ['v'], missing: false },
      { table: 'reals', key: [3], columns: ['v'], missing: true },
      { table: 'notes', key: [1], columns: ['body'], missing: false },
      { table: 'notes', key: [3], columns: ['body'], missing: true },
    ]);
  });

  it('streams a table in chunks that join to the table read at once', async () => {
    const e = await withSchema(`CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL, s TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000)
      INSERT INTO t SELECT i, CASE WHEN i = 200001 THEN NULL ELSE i * 0.5 END, 'r' || i FROM n;`);
    const whole = await e.readTable('t');
    const chunks: ColumnarData[] = [];
    const joiner = new ChunkJoiner();
    const head = await e.readTable('t', undefined, (c) => {
      chunks.push(c);
      joiner.add(c);
    });
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_ROWS, CHUNK_ROWS, 50000]);
    expect(head.length).toBe(250000);
    // The chunk holding the NULL is an array, the others typed: joined, the column is an array.
    expect(chunks.map((c) => c.columns[1] instanceof Float64Array)).toEqual([true, true, false]);
    const joined = await joiner.finish(head);
    expect(joined.columns[0]).toBeInstanceOf(Float64Array);
    expect(joined).toEqual(whole);
  });

  it('rolls back every table when a later step violates a constraint', async () => {
    const e = await withSchema(`CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);
      CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT CHECK (v <> 'bad'));`);
    const err = await errorOf(
      e.apply(
        plan(
          {
            kind: 'addColumn',
            table: 'a',
            column: { name: 'extra', declaredType: 'TEXT', notNull: false, default: null },
          },
          insert('a', ['id', 'v'], [1, 'ok']),
          insert('b', ['id', 'v'], [1, 'fine'], [2, 'bad']),
        ),
        { pushId: 'p' },
      ),
    );
    expect(err.code).toBe('constraint');
    expect(err.table).toBe('b');
    expect(err.key).toEqual([2]);
    expect(err.sqliteMessage).toMatch(/CHECK constraint failed/);
    const state = await e.state();
    expect(state.seq).toBe(1);
    expect(state.tables.find((t) => t.name === 'a')!.columns.map((c) => c.name)).toEqual([
      'id',
      'v',
    ]);
    expect((await e.readTable('a')).length).toBe(0);
    expect((await e.readTable('b')).length).toBe(0);
  });

  it('checks foreign keys at commit, so parent and child rows can come in any order', async () => {
    const e =
      await withSchema(`CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id));
      CREATE TABLE parent (id INTEGER PRIMARY KEY);`);
    await e.apply(plan(insert('child', ['id', 'p'], [1, 7]), insert('parent', ['id'], [7])), {
      pushId: 'ok',
    });
    const err = await errorOf(
      e.apply(plan(insert('child', ['id', 'p'], [2, 99])), { pushId: 'no' }),
    );
    expect(err.code).toBe('constraint');
    expect(err.sqliteMessage).toMatch(/FOREIGN KEY/);
    expect((await e.readTable('child')).length).toBe(1);
  });

  it('reports rows that cascades deleted', async () => {
    const e = await withSchema(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) ON DELETE CASCADE);
      INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (10, 1), (11, 2), (12, 1);`);
    const result = await e.apply(
      plan({
        kind: 'delete',
        table: 'parent',
        key: ['id'],
        keyTypes: [''],
        keys: [[1]],
        count: 1,
        guard: null,
      }),
      { pushId: 'p' },
    );
    const child = result.effects.find((x) => x.table === 'child')!;
    expect([...child.deleted.keys[0]!].sort()).toEqual([10, 12]);
    expect(child.reload).toBe(false);
  });

  it('handles keys beyond 2^53 exactly', async () => {
    const e = await withSchema('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);');
    const big = 2n ** 62n + 1n;
    await e.apply(plan(insert('t', ['id', 'v'], [big, 'a'])), { pushId: 'p' });
    const result = await e.apply(
      plan({
        kind: 'update',
        table: 't',
        key: ['id'],
        keyTypes: [''],
        keys: [[big]],
        set: ['v'],
        types: [''],
        values: [['b']],
        count: 1,
        guard: null,
      }),
      { pushId: 'q' },
    );
    // Only the set column changed: the row is a patch, addressed by its exact rowid.
    const patch = result.effects[0]!.patches![0]!;
    expect(patch.rowids[0]).toBe(big);
    expect(patch.columns).toEqual(['v']);
    expect(rows(await e.readTable('t'))).toEqual([{ id: big, v: 'b' }]);
  });

  it('swaps keys through temporary keys', async () => {
    const e = await withSchema(`CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);
      INSERT INTO t VALUES ('a', 1), ('b', 2);`);
    const result = await e.apply(
      plan({
        kind: 'update',
        table: 't',
        key: ['k'],
        keyTypes: [''],
        keys: [['a', 'b']],
        set: ['k'],
        types: [''],
        values: [['b', 'a']],
        count: 2,
        guard: null,
      }),
      { pushId: 'p' },
    );
    expect(rows(await e.readTable('t'))).toEqual([
      { k: 'b', v: 1 },
      { k: 'a', v: 2 },
    ]);
    const effect = result.effects[0]!;
    expect(effect.deleted.keys[0]!.length).toBe(0);
    expect([...effect.upserts.priorKeys[0]!]).toEqual(['a', 'b']);
  });

  it('moves rows through temporary keys past the new keys as well as the stored ones', async () => {
    // A chain on a rowid key: -1 -> 3 and 0 -> -1, where 3 is just past the largest stored key
    // (1). Temporaries from the stored keys alone (2 and 3) put a row on 3 while another row
    // arrives there: UNIQUE constraint failed (API model seed 1152022694).
    const e = await withSchema(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
      INSERT INTO t VALUES (-1, 'a'), (0, 'b'), (1, 'c');`);
    await e.apply(
      plan({
        kind: 'update',
        table: 't',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [[-1, 0]],
        set: ['id'],
        types: ['INTEGER'],
        values: [[3, -1]],
        count: 2,
        guard: null,
      }),
      { pushId: 'p' },
    );
    expect(rows(await e.readTable('t'))).toEqual([
      { id: -1, v: 'b' },
      { id: 1, v: 'c' },
      { id: 3, v: 'a' },
    ]);
  });

  it('changes a column type keeping constraints, indexes, triggers and foreign keys', async () => {
    const e = await withSchema(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT NOT NULL CHECK (length(n) < 9), p INTEGER REFERENCES parent(id) ON DELETE CASCADE);
      CREATE INDEX t_n ON t (n);
      CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN SELECT 1; END;
      INSERT INTO parent VALUES (1); INSERT INTO t VALUES (1, '42', 1), (2, 'abc', 1), (3, '7.5', NULL);`);
    await e.apply(
      plan({ kind: 'retypeColumn', table: 't', column: 'n', declaredType: 'INTEGER' }),
      { pushId: 'p' },
    );
    const info = (await e.state()).tables.find((t) => t.name === 't')!;
    expect(info.columns.find((c) => c.name === 'n')!.declaredType).toBe('INTEGER');
    expect(info.sql).toMatch(/"?n"? INTEGER NOT NULL CHECK \(length\(n\) < 9\)/);
    expect(info.indexes.map((i) => i.name)).toContain('t_n');
    expect(info.triggers.map((t) => t.name)).toEqual(['t_upd']);
    expect(info.foreignKeys).toEqual([
      { table: 'parent', columns: ['p'], to: ['id'], onUpdate: 'NO ACTION', onDelete: 'CASCADE' },
    ]);
    expect(rows(await e.readTable('t')).map((r) => r['n'])).toEqual([42, 'abc', 7.5]);
    // Cascades still work after the change.
    await e.apply(
      plan({
        kind: 'delete',
        table: 'parent',
        key: ['id'],
        keyTypes: [''],
        keys: [[1]],
        count: 1,
        guard: null,
      }),
      { pushId: 'q' },
    );
    expect((await e.readTable('t')).length).toBe(1);
  });

  it('refuses malformed plans with invalid_plan', async () => {
    const e = await memoryEngine();
    for (const bad of [
      null,
      { version: 3, steps: [] },
      { version: 2, steps: [{ kind: 'explode', table: 't' }] },
      {
        version: 2,
        steps: [
          { kind: 'insert', table: 't', columns: ['a'], types: [''], values: [[1, 2]], count: 1 },
        ],
      },
    ]) {
      expect((await errorOf(e.apply(bad as never, { pushId: 'x' }))).code).toBe('invalid_plan');
    }
  });
});

describe('engine: queries', () => {
  it('runs read-only queries with bound parameters and refuses anything that writes', async () => {
    const e = await withSchema(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
      INSERT INTO t VALUES (1, 'a'), (2, 'b');`);
    expect(rows(await e.query('SELECT v FROM t WHERE id > ?', [1]))).toEqual([{ v: 'b' }]);
    expect(rows(await e.query('WITH x AS (SELECT id FROM t) SELECT count(*) AS n FROM x'))).toEqual(
      [{ n: 2 }],
    );
    for (const sql of [
      'DELETE FROM t',
      'SELECT 1; DELETE FROM t',
      'WITH x AS (SELECT 1) DELETE FROM t',
      'PRAGMA foreign_keys=OFF',
      'SELEC 1',
      "ATTACH 'x' AS y",
    ]) {
      expect((await errorOf(e.query(sql))).code, sql).toBe('invalid_sql');
    }
    expect((await e.readTable('t')).length).toBe(2);
  });
});

describe('engine: persistence', () => {
  async function pushes(e: EngineCore): Promise<void> {
    await e.apply(
      plan(
        {
          kind: 'createTable',
          table: 'notes',
          columns: [
            { name: 'id', declaredType: 'INTEGER', notNull: false, default: null },
            { name: 'body', declaredType: 'TEXT', notNull: false, default: { value: 'empty' } },
            {
              name: 'at',
              declaredType: 'DATETIME',
              notNull: false,
              default: { keyword: 'CURRENT_TIMESTAMP' },
            },
          ],
          primaryKey: ['id'],
          autoIncrement: true,
        },
        insert('notes', ['body'], ['one'], ['two'], ['three']),
      ),
      { pushId: 'a' },
    );
    await e.apply(
      plan(
        {
          kind: 'delete',
          table: 'notes',
          key: ['id'],
          keyTypes: [''],
          keys: [[2]],
          count: 1,
          guard: null,
        },
        insert('notes', [], []),
      ),
      { pushId: 'b' },
    );
  }

  it('reopens from storage to exactly the committed state, defaults and sequences included', async () => {
    const storage = new MemoryStorage();
    const e = await memoryEngine(storage);
    await pushes(e);
    const before = await e.exportDatabase();
    const again = await memoryEngine(storage);
    expect((await again.state()).seq).toBe(2);
    expect(rows(await again.readTable('notes'))).toEqual(rows(await e.readTable('notes')));
    expect(rows(await again.query('SELECT * FROM sqlite_sequence'))).toEqual([
      { name: 'notes', seq: 4 },
    ]);
    expect(await again.hasCommitted('b')).toBe(true);
    expect(await again.hasCommitted('zzz')).toBe(false);
    // After a checkpoint the log is folded into the snapshot: same state again.
    const cp = await again.checkpoint();
    expect(cp.recordsDropped).toBe(2);
    expect(storage.records.length).toBe(0);
    const third = await memoryEngine(storage);
    expect(rows(await third.readTable('notes'))).toEqual(rows(await e.readTable('notes')));
    expect(await third.hasCommitted('a')).toBe(true);
    expect(before.byteLength).toBeGreaterThan(0);
  });

  it('replays what triggers and cascades did to WITHOUT ROWID tables', async () => {
    const storage = new MemoryStorage();
    const e = await withSchema(
      `CREATE TABLE parent (id INTEGER PRIMARY KEY);
       CREATE TABLE pairs (k TEXT, n INTEGER, p INTEGER REFERENCES parent(id) ON DELETE CASCADE,
         v TEXT, PRIMARY KEY (k, n)) WITHOUT ROWID;
       CREATE TABLE u (id INTEGER PRIMARY KEY, k TEXT, n INTEGER, v TEXT);
       CREATE TRIGGER u_ins AFTER INSERT ON u BEGIN
         INSERT INTO pairs VALUES (NEW.k, NEW.n, 1, NEW.v) ON CONFLICT (k, n) DO UPDATE SET v = excluded.v;
       END;
       CREATE TRIGGER u_upd AFTER UPDATE ON u BEGIN
         UPDATE pairs SET n = NEW.n WHERE k = OLD.k AND n = OLD.n;
       END;
       CREATE TRIGGER u_del AFTER DELETE ON u BEGIN DELETE FROM pairs WHERE k = OLD.k AND n = OLD.n; END;
       INSERT INTO parent VALUES (1), (2);
       INSERT INTO pairs VALUES ('a', 1, 1, 'x'), ('b', 2, 2, 'y'), ('c', 3, 2, 'z');`,
      storage,
    );
    const pairsOf = async (engine: EngineCore) =>
      rows(await engine.query('SELECT * FROM pairs ORDER BY k, n'));
    const added = await e.apply(
      plan(insert('u', ['id', 'k', 'n', 'v'], [1, 'a', 1, 'new a'], [2, 'd', 4, 'd'])),
      { pushId: 'p1' },
    );
    const pairs = added.effects.find((x) => x.table === 'pairs')!;
    expect(pairs.upserts.values.map((c) => [...c])).toEqual([
      ['a', 'd'],
      [1, 4],
      [1, 1],
      ['new a', 'd'],
    ]);
    const cascaded = await e.apply(
      plan({
        kind: 'delete',
        table: 'parent',
        key: ['id'],
        keyTypes: [''],
        keys: [[2]],
        count: 1,
        guard: null,
      }),
      { pushId: 'p2' },
    );
    expect(
      cascaded.effects.find((x) => x.table === 'pairs')!.deleted.keys.map((c) => [...c]),
    ).toEqual([
      ['b', 'c'],
      [2, 3],
    ]);
    const moved = await e.apply(
      plan({
        kind: 'update',
        table: 'u',
        key: ['id'],
        keyTypes: [''],
        keys: [[2]],
        set: ['n'],
        types: [''],
        values: [[5]],
        count: 1,
        guard: null,
      }),
      { pushId: 'p3' },
    );
    expect(
      moved.effects.find((x) => x.table === 'pairs')!.upserts.priorKeys.map((c) => [...c]),
    ).toEqual([['d'], [4]]);
    await e.apply(
      plan({
        kind: 'delete',
        table: 'u',
        key: ['id'],
        keyTypes: [''],
        keys: [[1]],
        count: 1,
        guard: null,
      }),
      { pushId: 'p4' },
    );
    expect(await pairsOf(e)).toEqual([{ k: 'd', n: 5, p: 1, v: 'd' }]);
    // Reopened, the engine replays the records: the same rows.
    const again = await memoryEngine(storage);
    expect(await pairsOf(again)).toEqual(await pairsOf(e));
  });

  it('a push whose record cannot be stored leaves memory and storage as before', async () => {
    const storage = new MemoryStorage();
    const e = await memoryEngine(storage);
    await pushes(e);
    storage.failNext = true;
    const err = await errorOf(e.apply(plan(insert('notes', ['body'], ['lost'])), { pushId: 'c' }));
    expect(err.code).toBe('quota_exceeded');
    expect((await e.state()).seq).toBe(2);
    expect(rows(await e.readTable('notes')).map((r) => r['body'])).toEqual([
      'one',
      'three',
      'empty',
    ]);
    expect(storage.records.length).toBe(2);
    // And the next push works.
    await e.apply(plan(insert('notes', ['body'], ['kept'])), { pushId: 'd' });
    expect((await e.readTable('notes')).length).toBe(4);
  });

  it('a second engine on the same storage catches up before writing', async () => {
    const storage = new MemoryStorage();
    const a = await memoryEngine(storage);
    const b = await memoryEngine(storage);
    await pushes(a);
    await b.apply(plan(insert('notes', ['body'], ['from b'])), { pushId: 'x' });
    expect((await b.state()).seq).toBe(3);
    const since = await a.commitsSince(2);
    expect(since.complete).toBe(true);
    expect(since.commits.map((c) => c.seq)).toEqual([3]);
    expect(rows(await a.readTable('notes'))).toEqual(rows(await b.readTable('notes')));
  });

  it('import refuses files that are not sound SQLite databases and changes nothing', async () => {
    const e = await withSchema('CREATE TABLE t (id INTEGER PRIMARY KEY);');
    const text = new TextEncoder().encode('id,name\n1,a\n'.repeat(20));
    expect((await errorOf(e.importDatabase(text))).code).toBe('not_sqlite');
    const SQL = await loadSql();
    const db = new SQL.Database();
    db.run('CREATE TABLE big (x TEXT); INSERT INTO big VALUES (zeroblob(20000));');
    const bytes = db.export();
    bytes.fill(0x55, 4096, 8192);
    expect((await errorOf(e.importDatabase(bytes))).code).toBe('corrupt');
    expect((await e.state()).tables.map((t) => t.name)).toEqual(['t']);
  });
});
