import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { PLAN_VERSION } from '../../src/plan/execution-plan';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';

async function database(): Promise<SqlDatabase> {
  const sql = await loadSql();
  const db = new sql.Database();
  configureConnection(db, true);
  db.run('CREATE TABLE t (k INTEGER PRIMARY KEY, x TEXT)');
  db.run("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  return db;
}

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: PLAN_VERSION, steps });

const retype = (declaredType: string): PlanStep => ({
  kind: 'retypeColumn',
  table: 't',
  column: 'x',
  declaredType,
});

/** Writes `values` into x of rows 1 and 2 as `type` (the type x had when the plan was made). */
const update = (type: string, values: SqlValue[]): PlanStep => ({
  kind: 'update',
  table: 't',
  key: ['k'],
  keyTypes: ['INTEGER'],
  keys: [[1, 2]],
  set: ['x'],
  types: [type],
  values: [values],
  count: values.length,
  guard: null,
});

const refusal = (db: SqlDatabase, p: ExecutionPlan): unknown => {
  try {
    applyPlan(db, p, { conflict: 'fail' });
    return null;
  } catch (e) {
    return e;
  }
};

describe('values written under a type their column no longer has', () => {
  it('refuses text a column made INTEGER in the same plan cannot hold, naming table, column and row, and writes nothing', async () => {
    const db = await database();
    const e = refusal(db, plan(retype('INTEGER'), update('TEXT', ['1e3', 'abc'])));
    expect(e).toBeInstanceOf(PandalchemyError);
    expect(e).toMatchObject({ code: 'invalid_value', table: 't', column: 'x', key: [2] });
    expect((e as Error).message).toMatch(/"abc" as a text value into column 'x'.*INTEGER now/);
    expect(selectRows(db, 'SELECT k, x FROM t ORDER BY k')).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(selectRows(db, "SELECT type FROM pragma_table_info('t') WHERE name = 'x'")).toEqual([
      ['TEXT'],
    ]);
  });

  it('refuses a stale write into a column another push made INTEGER, and an insert of bytes into a column made REAL', async () => {
    const db = await database();
    applyPlan(db, plan(retype('INTEGER')), { conflict: 'fail' });
    expect(refusal(db, plan(update('TEXT', ['7', 'x7'])))).toMatchObject({
      code: 'invalid_value',
      key: [2],
    });
    applyPlan(db, plan(retype('REAL')), { conflict: 'fail' });
    const insert: PlanStep = {
      kind: 'insert',
      table: 't',
      key: ['k'],
      keyTypes: ['INTEGER'],
      columns: ['k', 'x'],
      types: ['INTEGER', 'TEXT'],
      values: [[3], [new Uint8Array([1])]],
      count: 1,
    };
    expect(refusal(db, plan(insert))).toMatchObject({ code: 'invalid_value', key: [3] });
  });

  it('stores what the column converts to a value of its type, as PostgreSQL does', async () => {
    const db = await database();
    applyPlan(db, plan(retype('INTEGER'), update('TEXT', ['1e3', ' 42 '])), {
      conflict: 'fail',
    });
    expect(selectRows(db, 'SELECT k, x, typeof(x) FROM t ORDER BY k')).toEqual([
      [1, 1000, 'integer'],
      [2, 42, 'integer'],
    ]);
  });

  it("stores what a step writes under the column's own type as it is (what { invalid: 'keep' } kept)", async () => {
    const db = await database();
    applyPlan(db, plan(retype('INTEGER'), update('INTEGER', ['abc', 'b'])), {
      conflict: 'fail',
    });
    expect(selectRows(db, 'SELECT x FROM t ORDER BY k')).toEqual([['abc'], ['b']]);
  });
});
