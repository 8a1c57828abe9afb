import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresPreview } from '../../src/dialect/postgres/postgres-preview';
import { PLAN_VERSION, type ExecutionPlan, type PlanStep } from '../../src/plan/execution-plan';
import { planToSql } from '../../src/plan/plan-to-sql';
import { applyPlan } from '../../src/postgres';
import { freshPostgresDatabase } from '../support/postgres-database';
import { recordingClient } from '../support/recording-client';

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: PLAN_VERSION, steps });

const TYPES = ['INTEGER', 'TEXT', 'REAL', 'BLOB', 'BOOLEAN', 'DATE', 'DATETIME'];
const create: PlanStep = {
  kind: 'createTable',
  table: 'items',
  columns: ['id', 's', 'r', 'b', 'f', 'd', 't'].map((name, i) => ({
    name,
    declaredType: TYPES[i]!,
    notNull: false,
    default: name === 's' ? { value: "it's" } : null,
  })),
  primaryKey: ['id'],
  autoIncrement: false,
};
const insert: PlanStep = {
  kind: 'insert',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  columns: ['id', 's', 'r', 'b', 'f', 'd', 't'],
  types: TYPES,
  values: [
    [1, 2n ** 60n, 3],
    ['a', "O'Brien", null],
    Float64Array.from([0.5, -0, 1e300]),
    [new Uint8Array([0, 255]), null, new Uint8Array(0)],
    [1, 0, null],
    ['2024-05-01', null, '1999-12-31'],
    ['2024-05-01 12:00:00.000', null, '2000-01-01 00:00:00.5'],
  ],
  count: 3,
};

/** Statements that change the database: what a preview shows (not BEGIN, SET, reads). */
const isWrite = (text: string): boolean => /^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/.test(text);

/** Every statement and parameters a preview shows, row by row. */
function previewed(p: ExecutionPlan): [string, unknown[]][] {
  const out: [string, unknown[]][] = [];
  for (const line of postgresPreview(p)) {
    expect('comment' in line, JSON.stringify(line)).toBe(false);
    if ('comment' in line) continue;
    for (let i = 0; i < line.rows; i++) out.push([line.sql, line.parameters(i)]);
  }
  return out;
}

describe('planToSql for PostgreSQL', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await freshPostgresDatabase();
  });
  afterAll(async () => {
    await db.end();
  });

  test('shows exactly the statements and parameters applyPlan runs', async () => {
    const plans = [
      plan(create, insert),
      plan(
        { kind: 'renameColumn', table: 'items', from: 's', to: 'label' },
        {
          kind: 'addColumn',
          table: 'items',
          column: { name: 'n', declaredType: 'NUMERIC', notNull: false, default: { value: 7 } },
        },
        {
          kind: 'delete',
          table: 'items',
          key: ['id'],
          keyTypes: ['INTEGER'],
          keys: [[3]],
          count: 1,
          guard: null,
        },
        {
          kind: 'update',
          table: 'items',
          key: ['id'],
          keyTypes: ['INTEGER'],
          keys: [[1, 2n ** 60n]],
          set: ['label', 'f', 'n'],
          types: ['TEXT', 'BOOLEAN', 'NUMERIC'],
          values: [
            ['x', null],
            [0, 1],
            [2.5, 10n],
          ],
          count: 2,
          guard: null,
        },
        {
          kind: 'insert',
          table: 'items',
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['id', 'd'],
          types: ['INTEGER', 'DATE'],
          values: [[9], ['2030-01-02']],
          count: 1,
        },
      ),
      plan({ kind: 'dropColumn', table: 'items', column: 'b' }),
      plan({ kind: 'dropTable', table: 'items' }),
    ];
    for (const p of plans) {
      const { client, statements: writes } = recordingClient(db, isWrite);
      await applyPlan(p, client);
      expect(writes).toEqual(previewed(p));
      // The text shows each of them, values inlined.
      const text = planToSql(p, { dialect: 'postgres' });
      expect(text.split('\n')).toHaveLength(writes.length);
    }
    const text = planToSql(plans[0]!, { dialect: 'postgres' });
    expect(text).toContain(`'O''Brien'`);
    expect(text).toMatch(/^CREATE TABLE "items"/);
  });

  test('says where what runs depends on the stored rows: the temporary keys of a key swap', () => {
    const swap: PlanStep = {
      kind: 'update',
      table: 'items',
      key: ['id'],
      keyTypes: ['INTEGER'],
      keys: [[1, 2]],
      set: ['id'],
      types: ['INTEGER'],
      values: [[2, 1]],
      count: 2,
      guard: null,
    };
    expect(planToSql(plan(swap), { dialect: 'postgres' })).toMatch(
      /^-- SELECT max\("id"\).*temporary keys/,
    );
  });

  test('says which values a type change sets to NULL first because the push writes them again', () => {
    const retype: PlanStep = {
      kind: 'retypeColumn',
      table: 'items',
      column: 's',
      declaredType: 'INTEGER',
    };
    const setNull: PlanStep = {
      kind: 'update',
      table: 'items',
      key: ['id'],
      keyTypes: ['INTEGER'],
      keys: [[1, 2]],
      set: ['s'],
      types: ['INTEGER'],
      values: [[null, null]],
      count: 2,
      guard: null,
    };
    expect(planToSql(plan(retype, setNull), { dialect: 'postgres' })).toMatch(
      /^-- UPDATE "items" SET "s" = NULL WHERE .* 2 row\(s\) the push then writes again or deletes/,
    );
  });
});
