import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyPlan as applySqlite } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { configureConnection, type SqlDatabase } from '../../src/engine/sqlite';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { applyPlan as applyPostgres } from '../../src/postgres';
import {
  COLUMN_KINDS,
  declaredTypeOf,
  kindOf,
  type ColumnKind,
} from '../../src/values/column-kind';
import type { SqlValue } from '../../src/values/sql-value';
import { readTable } from '../../src/engine/read-table';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { InvalidValues } from '../../src/table/edits/schema-edits';
import { TrackedTable } from '../../src/table/tracked-table';
import { decodeValue } from '../../src/values/codec';
import { loadSql } from '../support/memory-storage';
import {
  keptWrites,
  postgresContents,
  refusedRetypes,
  refusedWrites,
  settle,
  sqliteContents,
  type Contents,
  type Outcome,
} from '../support/postgres-compare';
import { openTarget, type PostgresTarget } from '../support/postgres-targets';

/**
 * A column's type change, from and to every declared type the library makes, with values already
 * in the column, a default, rows inserted after, and values of the old type written after by a
 * writer that did not see the change: PostgreSQL ends up holding what SQLite holds,
 * or (only where SQLite keeps a value the new type has not, README "The same plans in
 * PostgreSQL") refuses the push with `invalid_value` and changes nothing.
 */

const SQL = await loadSql();
const RUNS = Number(process.env['POSTGRES_RETYPE_RUNS'] ?? 60);

/** Every kind but `any` (no declared type: nothing to retype to). */
const KINDS: readonly ColumnKind[] = COLUMN_KINDS.filter((k) => k !== 'any');

/** Stored values of each kind: the generators' and the edges of each conversion. */
const VALUES: Record<string, readonly SqlValue[]> = {
  integer: [0, 1, -4, 12, 2n ** 60n + 3n, -(2n ** 63n), 2n ** 63n - 1n],
  // Not -1e300: no NUMERIC value of this library (SQLite keeps it as a REAL where 'keep' makes it
  // NUMERIC, and PostgreSQL refuses it), so no NUMERIC column of both holds it.
  numeric: [0, 1, 12, 2n ** 60n, 2.5, Infinity],
  real: [0.1, -1e300, 2.5, 3, -1, 0, 1, 1e20, 2 ** 60, 1 / 3, Infinity],
  text: [
    ...['', 'a', '04567', '1e3', ' 42 ', 'NULL', '12', '-4', '2.5', '1', '0', '1.0', '+.5e1'],
    ...['true', 'f', '0x10', '1_000', 'NaN', 'Infinity', '9223372036854775808', "O'Brien"],
    ...['1e310', '-1e310', '1e-400'],
    ...['2020-01-02', '2020-02-30', '2020-01-01 00:00:03', '2020-01-01T00:00:03.5Z', '20200102'],
    ...[
      '2020-01-01 24:00',
      '2020-01-01 00:00:60',
      '2020-01-01 00:00:03.1234',
      '2020-01-02T10:00+02:00',
    ],
  ],
  blob: [new Uint8Array([0, 1]), new Uint8Array([])],
  boolean: [1, 0],
  date: ['2020-01-02', '1999-12-31'],
  datetime: ['2020-01-01 00:00:03', '2020-01-01 00:00:03.500'],
};

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

function insert(type: string, rows: readonly [number, SqlValue | undefined][]): PlanStep {
  const given = rows.filter((r) => r[1] !== undefined);
  const defaulted = rows.filter((r) => r[1] === undefined);
  const step = (rs: typeof rows, withX: boolean): PlanStep => ({
    kind: 'insert',
    table: 't',
    key: ['k'],
    keyTypes: ['INTEGER'],
    columns: withX ? ['k', 'x'] : ['k'],
    types: withX ? ['INTEGER', type] : ['INTEGER'],
    values: withX ? [rs.map((r) => r[0]), rs.map((r) => r[1]!)] : [rs.map((r) => r[0])],
    count: rs.length,
  });
  return given.length ? step(given, true) : step(defaulted, false);
}

/** An update of row `k`'s x to `value`, the plan giving x declared type `type`. */
function update(type: string, k: number, value: SqlValue): PlanStep {
  return {
    kind: 'update',
    table: 't',
    key: ['k'],
    keyTypes: ['INTEGER'],
    keys: [[k]],
    set: ['x'],
    types: [type],
    values: [[value]],
    count: 1,
    guard: null,
  };
}

/**
 * The one pair that converts differently on purpose: reals made TEXT print as each database
 * prints them (`1` and `1.0`, `Infinity` and `Inf`). Compared as the numbers they name.
 */
function asNumbers(c: Contents | null): Contents | null {
  return (
    c && {
      ...c,
      rows: c.rows.map((r) =>
        r
          .split('|')
          .map((v, j) => (j === 1 && v.startsWith('"') ? `n${numberOf(JSON.parse(v))}` : v))
          .join('|'),
      ),
    }
  );
}

/** A real printed by either: SQLite prints infinity as `Inf`, PostgreSQL as `Infinity`. */
function numberOf(text: string): number {
  return Number(text.replace(/Inf$/, 'Infinity'));
}

describe('a column type change in PostgreSQL', () => {
  let server: PostgresTarget;
  let pglite: PostgresTarget;
  beforeAll(async () => {
    server = await openTarget('server');
    pglite = await openTarget('pglite');
  });
  afterAll(async () => {
    await server?.close();
    await pglite?.close();
  });

  /**
   * Pushes to all three and expects the same outcome and rows (or, where PostgreSQL refuses on
   * purpose, that refusal); PostgreSQL's outcome, the same on the server and PGlite.
   */
  async function push(db: SqlDatabase, p: ExecutionPlan, from: ColumnKind): Promise<Outcome> {
    const refused = [
      ...refusedRetypes(SQL, db, p),
      ...refusedWrites(SQL, db, p),
      ...keptWrites(SQL, db, p),
    ];
    const before = sqliteContents(db, 't');
    const refusal: Outcome = { ok: false, code: 'invalid_value', table: 't' };
    let lite: Outcome;
    const allowed: Outcome[] = [];
    if (refused.length) {
      // Where the push fails in SQLite anyway, PostgreSQL may find either failure first.
      const copy = new SQL.Database(db.export());
      configureConnection(copy, true);
      const inSqlite = await settle(() => applySqlite(copy, p, { conflict: 'fail' }));
      copy.close();
      lite = refusal;
      allowed.push(refusal);
      if (!inSqlite.ok) allowed.push(inSqlite);
    } else {
      lite = await settle(() => applySqlite(db, p, { conflict: 'fail' }));
      allowed.push(lite);
    }
    const [onServer, onPglite] = await Promise.all([
      settle(() => applyPostgres(p, server.client)),
      settle(() => applyPostgres(p, pglite.client)),
    ]);
    const what = JSON.stringify(p, (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v,
    );
    expect(allowed, `server: ${what}`).toContainEqual(onServer);
    expect(allowed, `PGlite: ${what}`).toContainEqual(onPglite);
    const info = findTable(db, 't');
    const kinds = new Map(info?.columns.map((c) => [c.name, kindOf(c.declaredType)]) ?? []);
    const differs = (from === 'real' || from === 'numeric') && kinds.get('x') === 'text';
    const norm = differs ? asNumbers : (c: Contents | null) => c;
    const expected = norm(refused.length ? before : sqliteContents(db, 't'));
    expect(norm(await postgresContents(server, 't', kinds)), `server rows: ${what}`).toEqual(
      expected,
    );
    expect(norm(await postgresContents(pglite, 't', kinds)), `PGlite rows: ${what}`).toEqual(
      expected,
    );
    expect(onPglite, `PGlite as the server: ${what}`).toEqual(onServer);
    return onServer;
  }

  async function run(
    from: ColumnKind,
    to: ColumnKind,
    values: readonly SqlValue[],
    dflt: SqlValue | null,
    after: SqlValue | null,
    stale: SqlValue | null = null,
  ): Promise<void> {
    await Promise.all([server.reset(), pglite.reset()]);
    const db = new SQL.Database();
    configureConnection(db, true);
    try {
      const fromType = declaredTypeOf(from);
      const toType = declaredTypeOf(to);
      const create: PlanStep = {
        kind: 'createTable',
        table: 't',
        columns: [
          { name: 'k', declaredType: 'INTEGER', notNull: true, default: null },
          {
            name: 'x',
            declaredType: fromType,
            notNull: false,
            default: dflt === null ? null : { value: dflt },
          },
        ],
        primaryKey: ['k'],
        autoIncrement: false,
      };
      const rows = values.map((v, i): [number, SqlValue] => [i, v]);
      await push(db, rows.length ? plan(create, insert(fromType, rows)) : plan(create), from);
      const retype = plan({ kind: 'retypeColumn', table: 't', column: 'x', declaredType: toType });
      if (!(await push(db, retype, from)).ok) return;
      // Rows after: one taking the (converted) default, one given a value of the new type.
      await push(db, plan(insert(toType, [[100, undefined]])), from);
      if (after !== null) await push(db, plan(insert(toType, [[101, after]])), from);
      // A writer that did not see the change: a value of the old type, in a plan that says so.
      if (stale !== null) {
        await push(db, plan(insert(fromType, [[102, stale]])), from);
        await push(db, plan(update(fromType, 100, stale)), from);
      }
    } finally {
      db.close();
    }
  }

  /** An edit of a tracked table's row (by position among the start rows). */
  interface RowEdit {
    readonly row: number;
    readonly op: 'delete' | 'set';
    readonly value: SqlValue | null;
  }

  /**
   * A tracked table's type change (`retypeColumn` with `invalid`), after and before edits of the
   * column in the same push: the plan the tracker makes, pushed to all three.
   */
  async function runTracked(options: {
    from: ColumnKind;
    to: ColumnKind;
    values: readonly SqlValue[];
    notNull: boolean;
    invalid: InvalidValues;
    before: readonly RowEdit[];
    after: readonly RowEdit[];
  }): Promise<Outcome | null> {
    const { from, to, notNull, invalid } = options;
    await Promise.all([server.reset(), pglite.reset()]);
    const db = new SQL.Database();
    configureConnection(db, true);
    try {
      const fromType = declaredTypeOf(from);
      const toType = declaredTypeOf(to);
      const values = notNull ? options.values.filter((v) => v !== null) : options.values;
      const create: PlanStep = {
        kind: 'createTable',
        table: 't',
        columns: [
          { name: 'k', declaredType: 'INTEGER', notNull: true, default: null },
          { name: 'x', declaredType: fromType, notNull, default: null },
        ],
        primaryKey: ['k'],
        autoIncrement: false,
      };
      const rows = values.map((v, i): [number, SqlValue] => [i, v]);
      await push(db, rows.length ? plan(create, insert(fromType, rows)) : plan(create), from);
      const info = findTable(db, 't')!;
      const t = new TrackedTable(info, readTable(db, info, 0));
      const edit = (e: RowEdit, kind: ColumnKind): void => {
        if (!rows.length) return;
        const k = e.row % rows.length;
        try {
          if (e.op === 'delete') t.delete([[k]]);
          else t.set([k], 'x', e.value === null ? null : decodeValue(kind, e.value));
        } catch (err) {
          if (!(err instanceof PandalchemyError)) throw err; // A row deleted already, NOT NULL...
        }
      };
      for (const e of options.before) edit(e, from);
      try {
        t.retypeColumn('x', toType, { invalid });
      } catch (err) {
        if (!(err instanceof PandalchemyError)) throw err;
        return null; // The tracker refuses ('error'): nothing to push.
      }
      for (const e of options.after) edit(e, to);
      const p = t.plan();
      if (!p.steps.length) return null;
      return await push(db, p, from);
    } finally {
      db.close();
    }
  }

  test('a BOOLEAN column with a default made INTEGER takes rows after (CI seed 1818832283)', async () => {
    // PostgreSQL kept the default `false` and refused to make it bigint: the push failed.
    await run('boolean', 'integer', [], 0, 5);
    await run('boolean', 'integer', [1, 0, null], 1, null);
  });

  test('a column whose default takes a sequence value keeps it, and the push takes none', async () => {
    for (const target of [server, pglite]) {
      await target.reset();
      await target.query('CREATE TABLE s (k bigint PRIMARY KEY, n bigserial)');
      const retype = plan({ kind: 'retypeColumn', table: 's', column: 'n', declaredType: 'TEXT' });
      await applyPostgres(retype, target.client);
      await target.query('INSERT INTO s (k) VALUES (1)');
      expect(await target.query('SELECT n FROM s')).toEqual([{ n: '1' }]);
    }
  });

  test("retypeColumn(…, { invalid: 'null' }): what does not convert becomes NULL, as in SQLite", async () => {
    // PostgreSQL refused the type change: 'abc' made INTEGER, though the push then sets it NULL.
    const outcome = await runTracked({
      from: 'text',
      to: 'integer',
      values: ['abc', '01067', '12', null, ' 7', '1e3', '7.0'],
      notNull: false,
      invalid: 'null',
      before: [],
      after: [],
    });
    expect(outcome).toEqual({ ok: true });
    for (const target of [server, pglite])
      expect(await target.query('SELECT x::text FROM t ORDER BY k')).toEqual(
        [null, null, '12', null, null, null, null].map((x) => ({ x })),
      );
  });

  test("{ invalid: 'null' } on a NOT NULL column fails on the row, as in SQLite", async () => {
    const outcome = await runTracked({
      from: 'text',
      to: 'integer',
      values: ['12', 'abc'],
      notNull: true,
      invalid: 'null',
      before: [],
      after: [],
    });
    expect(outcome).toEqual({ ok: false, code: 'constraint', table: 't', key: 'number:1' });
  });

  test("{ invalid: 'keep'} of a value PostgreSQL cannot hold is refused, saying so", async () => {
    for (const target of [server, pglite]) {
      await target.reset();
      await target.query('CREATE TABLE t (k bigint PRIMARY KEY, x text)');
      await target.query("INSERT INTO t VALUES (1, 'abc')");
      const retype = plan({
        kind: 'retypeColumn',
        table: 't',
        column: 'x',
        declaredType: 'INTEGER',
      });
      const error = await applyPostgres(retype, target.client).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PandalchemyError);
      expect(error).toMatchObject({ code: 'invalid_value', table: 't', column: 'x' });
      expect((error as Error).message).toMatch(/holds values of its type only.*invalid: 'null'/);
      expect(await target.query('SELECT x FROM t')).toEqual([{ x: 'abc' }]);
    }
  });

  test("{ invalid: 'keep' } of a row inserted before: SQLite keeps -1e300 made NUMERIC, PostgreSQL refuses it naming table, column and row (differential seed -441635553)", async () => {
    const db = new SQL.Database();
    configureConnection(db, true);
    try {
      const create: PlanStep = {
        kind: 'createTable',
        table: 't',
        columns: [
          { name: 'k', declaredType: 'INTEGER', notNull: true, default: null },
          { name: 'x', declaredType: 'REAL', notNull: false, default: null },
        ],
        primaryKey: ['k'],
        autoIncrement: false,
      };
      applySqlite(db, plan(create), { conflict: 'fail' });
      const info = findTable(db, 't')!;
      const t = new TrackedTable(info, readTable(db, info, 0));
      t.insert({ k: 40, x: -1e300 });
      t.retypeColumn('x', 'NUMERIC', { invalid: 'keep' });
      const p = t.plan();
      // The insert writes -1e300 as NUMERIC: no NUMERIC value of this library (a whole number
      // past 64 bits), which SQLite keeps as a REAL and PostgreSQL could only store as numeric.
      expect(keptWrites(SQL, db, p)).toEqual(['t.x']);
      applySqlite(db, p, { conflict: 'fail' });
      expect(sqliteContents(db, 't')?.rows).toEqual(['number:40|number:-1e+300']);
      for (const target of [server, pglite]) {
        await target.reset();
        await applyPostgres(plan(create), target.client);
        const error = await applyPostgres(p, target.client).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(PandalchemyError);
        expect(error).toMatchObject({ code: 'invalid_value', table: 't', column: 'x', key: [40] });
        expect(await target.query('SELECT k FROM t')).toEqual([]);
      }
    } finally {
      db.close();
    }
  });

  test('a tracked type change with each invalid mode, among edits and deletes: the same rows, or refused alike', async () => {
    const pair = fc
      .tuple(fc.constantFrom(...KINDS), fc.constantFrom(...KINDS))
      .filter(([a, b]) => a !== b);
    const edits = (kind: ColumnKind) =>
      fc.array(
        fc.record({
          row: fc.nat(5),
          op: fc.constantFrom('delete' as const, 'set' as const),
          value: fc.option(fc.constantFrom(...VALUES[kind]!), { freq: 4 }),
        }),
        { maxLength: 2 },
      );
    await fc.assert(
      fc.asyncProperty(
        pair.chain(([from, to]) =>
          fc.record({
            from: fc.constant(from),
            to: fc.constant(to),
            values: fc.array(fc.option(fc.constantFrom(...VALUES[from]!), { freq: 5 }), {
              maxLength: 4,
            }),
            notNull: fc.boolean(),
            invalid: fc.constantFrom<InvalidValues>('error', 'null', 'keep'),
            before: edits(from),
            after: edits(to),
          }),
        ),
        async (o) => void (await runTracked(o)),
      ),
      { numRuns: RUNS },
    );
  });

  test('every pair of types, values and defaults: the same rows, or refused with invalid_value', async () => {
    const pair = fc
      .tuple(fc.constantFrom(...KINDS), fc.constantFrom(...KINDS))
      .filter(([a, b]) => a !== b);
    await fc.assert(
      fc.asyncProperty(
        pair.chain(([from, to]) =>
          fc.record({
            from: fc.constant(from),
            to: fc.constant(to),
            values: fc.array(fc.option(fc.constantFrom(...VALUES[from]!), { freq: 5 }), {
              maxLength: 3,
            }),
            dflt: fc.option(fc.constantFrom(...VALUES[from]!)),
            after: fc.option(fc.constantFrom(...VALUES[to]!)),
            stale: fc.option(fc.constantFrom(...VALUES[from]!)),
          }),
        ),
        ({ from, to, values, dflt, after, stale }) => run(from, to, values, dflt, after, stale),
      ),
      { numRuns: RUNS },
    );
  });
});
