import { describe, expect, test } from 'vitest';
import { applyPlan as applySqlite } from '../../src/engine/apply-plan';
import { configureConnection, selectRows } from '../../src/engine/sqlite';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { applyPlan, PandalchemyError } from '../../src/postgres';
import { loadSql } from '../support/memory-storage';
import { TARGETS, useTarget } from '../support/postgres-targets';

// Text written into a numeric column: SQLite stores the number its affinity makes of the text
// ('1e3' in an INTEGER column is 1000) or keeps the text ('NaN', 'Infinity'). PostgreSQL must hold
// the same number, or refuse the text with invalid_value (no numeric column of it holds text); it
// must not parse the text by rules of its own ('NaN' a numeric NaN, '1e3' refused by bigint).

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const create: PlanStep = {
  kind: 'createTable',
  table: 't',
  columns: [
    { name: 'k', declaredType: 'INTEGER', notNull: true, default: null },
    { name: 'i', declaredType: 'INTEGER', notNull: false, default: null },
    { name: 'r', declaredType: 'REAL', notNull: false, default: null },
    { name: 'n', declaredType: 'NUMERIC', notNull: false, default: null },
  ],
  primaryKey: ['k'],
  autoIncrement: false,
};

const insert = (column: 'i' | 'r' | 'n', text: string): PlanStep => ({
  kind: 'insert',
  table: 't',
  key: ['k'],
  keyTypes: ['INTEGER'],
  columns: ['k', column],
  types: ['INTEGER', column === 'i' ? 'INTEGER' : column === 'r' ? 'REAL' : 'NUMERIC'],
  values: [[1], [text]],
  count: 1,
});

/** What SQLite stores for `text` in `column` (a string: kept as text). */
async function inSqlite(column: 'i' | 'r' | 'n', text: string): Promise<unknown> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  configureConnection(db, true);
  try {
    applySqlite(db, plan(create, insert(column, text)), { conflict: 'fail' });
    return selectRows(db, `SELECT ${column} FROM t`)[0]![0];
  } finally {
    db.close();
  }
}

const CASES: ['i' | 'r' | 'n', string][] = [
  ['i', '1e3'],
  ['i', ' 12 '],
  ['i', '0012'],
  ['r', '12'],
  ['r', '-.5e1'],
  ['n', '7.0'],
  ['n', 'NaN'],
  ['r', 'Infinity'],
  ['i', '-Infinity'],
  ['n', '12\u00a0'],
  ['i', 'abc'],
];

for (const name of TARGETS) {
  describe(`numeric columns given text, on ${name}`, () => {
    const target = useTarget(name);
    test.each(CASES)(
      'column %s given %j: the number SQLite stores, or invalid_value',
      async (column, text) => {
        const stored = await inSqlite(column, text);
        await applyPlan(plan(create), target.client);
        const outcome = await applyPlan(plan(insert(column, text)), target.client).then(
          () => null,
          (e: unknown) => e,
        );
        if (typeof stored === 'string') {
          expect(outcome).toBeInstanceOf(PandalchemyError);
          expect(outcome).toMatchObject({ code: 'invalid_value', table: 't', column });
          expect(await target.query('SELECT * FROM t')).toEqual([]);
        } else {
          expect(outcome).toBe(null);
          const [row] = await target.query(`SELECT ${column}::float8 AS v FROM t`);
          expect(Number(row!['v'])).toBe(stored);
        }
      },
    );
  });
}
