import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CompiledStatement, Query } from '../../src/dialect/dialect';
import { sqliteDialect } from '../../src/dialect/sqlite/sqlite-dialect';
import { ConflictError } from '../../src/errors/pandalchemy-error';
import { applyPlan } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { RowSelect } from '../../src/engine/row-select';
import { ask, configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import type { ExecutionPlan, Guard, PlanStep, UpdateStep } from '../../src/plan/execution-plan';
import { PLAN_VERSION } from '../../src/plan/execution-plan';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';
import { isPlanStatement, recordingDatabase, type Run } from '../support/recording-sql';

async function database(...schema: string[]): Promise<SqlDatabase> {
  const sql = await loadSql();
  const db = new sql.Database();
  configureConnection(db, true);
  for (const s of schema) db.run(s);
  return db;
}

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: PLAN_VERSION, steps });

/** Swaps the keys of rows 1 and 2 of `table` (keyed by `key`), setting `v` too. */
function swap(table: string, key: string, a: SqlValue, b: SqlValue): UpdateStep {
  return {
    kind: 'update',
    table,
    key: [key],
    keyTypes: [''],
    keys: [[a, b]],
    set: [key, 'v'],
    types: ['', ''],
    values: [
      [b, a],
      ['x', 'y'],
    ],
    count: 2,
    guard: null,
  };
}

function guarded(step: UpdateStep, expected: SqlValue[]): UpdateStep {
  const guard: Guard = {
    key: step.key,
    keys: step.keys,
    columns: ['v'],
    kinds: ['text'],
    expected: [expected],
  };
  return { ...step, guard };
}

/** The runs of a statement of the dialect, as the engine makes them: every row, in order. */
function runsOf(st: CompiledStatement | Query<unknown>): Run[] {
  const n = 'rows' in st ? st.rows : st.runs;
  return Array.from({ length: n }, (_, i) => ({ sql: st.sql, parameters: [...st.parameters(i)] }));
}

/**
 * Applies `p` to `db` with the dialect's statements and queries recorded as it returns them, and
 * every statement sql.js runs recorded: returns both.
 */
function applyRecorded(
  db: SqlDatabase,
  p: ExecutionPlan,
): { ran: Run[]; built: Run[]; queried: Run[]; error: unknown } {
  const ran: Run[] = [];
  const built: Run[] = [];
  const queried: Run[] = [];
  const wrap = <A extends unknown[], T>(
    name: 'dataStep' | 'schemaStep' | 'temporaryKeys' | 'readGuard',
    into: Run[],
  ): void => {
    const original = sqliteDialect[name] as unknown as (...args: A) => T;
    vi.spyOn(sqliteDialect, name).mockImplementation(((...args: A) => {
      const out = original(...args);
      // Recorded as built: the parameters are read again (arrays are reused) before any run.
      for (const st of (Array.isArray(out) ? out : out ? [out] : []) as CompiledStatement[])
        into.push(...runsOf(st));
      return out;
    }) as never);
  };
  wrap('dataStep', built);
  wrap('schemaStep', built);
  wrap('temporaryKeys', queried);
  wrap('readGuard', queried);
  let error: unknown = null;
  try {
    applyPlan(
      recordingDatabase(db, ran, () => true),
      p,
      { conflict: 'fail' },
    );
  } catch (e) {
    error = e;
  }
  return { ran, built, queried, error };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the SQLite engine runs what sqliteDialect returns', () => {
  it('runs the transaction, the data steps and the key moves through temporary keys as built', async () => {
    const db = await database(
      'CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)',
      'CREATE TABLE s (k TEXT PRIMARY KEY, v TEXT)',
      "INSERT INTO n VALUES (1, 'a'), (2, 'b'), (9, 'z')",
      "INSERT INTO s VALUES ('p', 'a'), ('q', 'b')",
    );
    const { ran, built, queried, error } = applyRecorded(
      db,
      plan(
        {
          kind: 'delete',
          table: 'n',
          key: ['id'],
          keyTypes: ['INTEGER'],
          keys: [[9]],
          count: 1,
          guard: null,
        },
        swap('n', 'id', 1, 2),
        swap('s', 'k', 'p', 'q'),
        {
          kind: 'insert',
          table: 'n',
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['v'],
          types: ['TEXT'],
          values: [['new']],
          count: 1,
        },
      ),
    );
    expect(error).toBeNull();
    // Both swaps went through temporary keys: a move, then the step.
    expect(built.filter((r) => r.sql.startsWith('UPDATE'))).toHaveLength(8);
    expect(ran.filter((r) => isPlanStatement(r.sql))).toEqual(built);
    // The query for free rowids ran; the BLOB temporaries need none.
    expect(queried).toHaveLength(1);
    expect(ran.some((r) => r.sql === queried[0]!.sql)).toBe(true);
    const { begin, commit } = sqliteDialect.transaction;
    expect(ran.slice(0, begin.length).map((r) => r.sql)).toEqual(begin);
    expect(ran.at(-1)?.sql).toBe(commit);
    expect(selectRows(db, 'SELECT id, v FROM n ORDER BY id')).toEqual([
      [1, 'y'],
      [2, 'x'],
      // The temporary rowids (3 and 4, past the largest once 9 is gone) are free again.
      [3, 'new'],
    ]);
    expect(selectRows(db, 'SELECT k, v FROM s ORDER BY k')).toEqual([
      ['p', 'y'],
      ['q', 'x'],
    ]);
  });

  it('runs the schema steps as built, then the data steps on the new schema', async () => {
    const db = await database('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const { ran, built, error } = applyRecorded(
      db,
      plan(
        {
          kind: 'addColumn',
          table: 't',
          column: { name: 'w', declaredType: 'REAL', notNull: false, default: { value: 1.5 } },
        },
        {
          kind: 'insert',
          table: 't',
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['id', 'v'],
          types: ['INTEGER', 'TEXT'],
          values: [[1], ['a']],
          count: 1,
        },
      ),
    );
    expect(error).toBeNull();
    expect(built.map((r) => r.sql)).toEqual([
      'ALTER TABLE "t" ADD COLUMN "w" REAL DEFAULT (1.5)',
      'INSERT INTO "t" ("id", "v") VALUES (?, ?)',
    ]);
    expect(ran.filter((r) => isPlanStatement(r.sql))).toEqual(built);
    expect(selectRows(db, 'SELECT * FROM t')).toEqual([[1, 'a', 1.5]]);
  });

  it('runs the placeholder column and the writable_schema procedure as the dialect says', async () => {
    const db = await database(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)',
      'CREATE TABLE u (a TEXT)',
      "INSERT INTO t VALUES (1, '7')",
    );
    const version = Number(selectRows(db, 'PRAGMA schema_version')[0]![0]);
    const { ran, error } = applyRecorded(
      db,
      plan(
        { kind: 'dropColumn', table: 'u', column: 'a' },
        {
          kind: 'addColumn',
          table: 'u',
          column: { name: 'b', declaredType: 'TEXT', notNull: false, default: null },
        },
        { kind: 'retypeColumn', table: 't', column: 'v', declaredType: 'INTEGER' },
      ),
    );
    expect(error).toBeNull();
    const sql = ran.map((r) => r.sql);
    const around = sqliteDialect.schemaStepsAround(
      [{ kind: 'dropColumn', table: 'u', column: 'a' }],
      () => 1,
    );
    const at = (s: string): number => sql.indexOf(s);
    // The placeholder column: added before the drop, dropped after the add.
    expect(at(around.before[0]!.sql)).toBeLessThan(at('ALTER TABLE "u" DROP COLUMN "a"'));
    expect(at(around.after[0]!.sql)).toBeGreaterThan(at('ALTER TABLE "u" ADD COLUMN "b" TEXT'));
    // The type change: the schema written with writable_schema on, the version bumped, then off.
    const w = sqliteDialect.writableSchema;
    const write = sql.findIndex((s) => s.startsWith('UPDATE sqlite_schema'));
    // One past the version read just before (the steps before it changed the schema too).
    const bumped = Number(/\d+$/.exec(sql[write + 1] ?? '')?.[0]);
    expect(bumped).toBeGreaterThan(version + 1);
    expect(sql.slice(write - 2, write + 3)).toEqual([
      w.version.sql,
      w.on,
      sql[write],
      w.bump(bumped - 1),
      w.off,
    ]);
    expect(selectRows(db, 'SELECT v, typeof(v) FROM t')).toEqual([[7, 'integer']]);
    expect(selectRows(db, "SELECT name FROM pragma_table_info('u')")).toEqual([['b']]);
  });

  it('reads guards with the dialect query, and rolls back with its statement on a conflict', async () => {
    const db = await database(
      'CREATE TABLE s (k TEXT PRIMARY KEY, v TEXT)',
      "INSERT INTO s VALUES ('p', 'a'), ('q', 'changed')",
    );
    const { ran, queried, error } = applyRecorded(
      db,
      plan(guarded(swap('s', 'k', 'p', 'q'), ['a', 'b'])),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).conflicts.map((c) => c.key)).toEqual([['q']]);
    const read = queried.find((r) => r.sql.includes('json_each'));
    expect(read).toBeDefined();
    expect(ran.some((r) => r.sql === read!.sql)).toBe(true);
    expect(ran.map((r) => r.sql)).toContain(sqliteDialect.transaction.rollback);
    expect(selectRows(db, 'SELECT k, v FROM s ORDER BY k')).toEqual([
      ['p', 'a'],
      ['q', 'changed'],
    ]);
  });
});

describe('sqliteDialect', () => {
  it('moves keys through temporaries only where a new key is another moved row’s old key', async () => {
    const db = await database('CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)');
    const info = findTable(db, 'n')!;
    const direct: UpdateStep = {
      ...swap('n', 'id', 1, 2),
      values: [
        [3, 4],
        ['x', 'y'],
      ],
    };
    expect(sqliteDialect.temporaryKeys(direct, info)).toBeNull();
    db.run("INSERT INTO n VALUES (1, 'a'), (2, 'b'), (9007199254740993, 'c')");
    const query = sqliteDialect.temporaryKeys(swap('n', 'id', 1, 2), info)!;
    // Past the largest rowid, exactly: that one is beyond 2^53.
    expect(ask(db, query)).toEqual([[9007199254740994n, 9007199254740995n]]);
  });

  it('reads rows and guards by key, by JSON where keys cross it exactly and one by one otherwise', async () => {
    const db = await database(
      'CREATE TABLE b (k BLOB PRIMARY KEY, v TEXT)',
      'CREATE TABLE t (a INTEGER, b TEXT, v TEXT, PRIMARY KEY (a, b))',
      "INSERT INTO b VALUES (X'01', 'one'), (X'02', 'two')",
      "INSERT INTO t VALUES (1, 'x', 'one'), (2, 'y', 'two')",
    );
    const blobs = sqliteDialect.readRows(
      findTable(db, 'b')!,
      ['v', 'k'],
      [[new Uint8Array([2]), new Uint8Array([3])]],
    );
    expect(blobs.runs).toBe(2);
    expect(ask(db, blobs)).toEqual([['two', new Uint8Array([2])], undefined]);
    const composite = sqliteDialect.readGuard(findTable(db, 't')!, {
      key: ['a', 'b'],
      keys: [
        [2, 1, 1],
        ['y', 'x', 'y'],
      ],
      columns: ['v'],
      kinds: ['text'],
      expected: [['', '', '']],
    });
    expect(composite.runs).toBe(1);
    expect(ask(db, composite)).toEqual([['two'], ['one'], undefined]);
  });

  it('reads text the same through the engine’s select list (text as UTF-8 bytes)', async () => {
    const db = await database(
      'CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, n)',
      "INSERT INTO t VALUES ('é', 'ünï', 1), ('a', NULL, 'x'), ('b', X'00ff', 2.5)",
    );
    const info = findTable(db, 't')!;
    const guard: Guard = {
      key: ['k'],
      keys: [['é', 'a', 'b', 'zz']],
      columns: ['v', 'n'],
      kinds: ['text', 'any'],
      expected: [
        ['', '', '', ''],
        ['', '', '', ''],
      ],
    };
    const plain = ask(db, sqliteDialect.readGuard(info, guard));
    const rowSelect = sqliteDialect.readGuard(info, guard, (e, k) => new RowSelect(db, e, k));
    expect(rowSelect.sql).toContain('CAST(');
    expect(ask(db, rowSelect)).toEqual(plain);
    expect(plain).toEqual([['ünï', 1], [null, 'x'], [new Uint8Array([0, 255]), 2.5], undefined]);
  });

  it('names what SQLite refused', async () => {
    const db = await database(
      'CREATE TABLE p (id INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL, c INTEGER CONSTRAINT positive CHECK (c > 0))',
      "INSERT INTO p VALUES (1, 'a', 'n', 1)",
    );
    const failure = (sql: string): unknown => {
      try {
        db.run(sql);
      } catch (e) {
        return sqliteDialect.failureOf(e);
      }
      return 'no failure';
    };
    expect(failure("INSERT INTO p VALUES (2, 'a', 'n', 1)")).toMatchObject({
      kind: 'unique',
      column: 'u',
    });
    expect(failure("INSERT INTO p VALUES (2, 'b', NULL, 1)")).toMatchObject({
      kind: 'notNull',
      column: 'n',
    });
    expect(failure("INSERT INTO p VALUES (2, 'b', 'n', 0)")).toMatchObject({
      kind: 'check',
      constraint: 'positive',
    });
    expect(failure('SELECT * FROM missing')).toMatchObject({ kind: 'other' });
  });
});
