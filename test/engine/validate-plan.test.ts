import { describe, expect, it } from 'vitest';
import type { EngineCore } from '../../src/engine/engine-core';
import { validatePlan } from '../../src/engine/validate-plan';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { loadSql, memoryEngine } from '../support/memory-storage';
import { planMutations } from '../support/plan-mutations';

async function engineWith(sql: string): Promise<EngineCore> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = db.export();
  db.close();
  const engine = await memoryEngine();
  await engine.importDatabase(bytes);
  return engine;
}

async function refusal(engine: EngineCore, plan: unknown): Promise<PandalchemyError> {
  try {
    await engine.apply(plan as never, { pushId: 'p' });
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('the plan was accepted');
}

const rows = async (engine: EngineCore): Promise<unknown> =>
  (await engine.query('SELECT * FROM t ORDER BY id')).columns.map((c) => Array.from(c));

const SCHEMA = `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x TEXT);
  INSERT INTO t VALUES (1, 'a', 'x1'), (2, 'b', 'x2');`;

describe('malformed plans', () => {
  it('refuses a delete step that claims the priority of a schema step, and writes nothing', async () => {
    const e = await engineWith(SCHEMA);
    const before = await rows(e);
    const err = await refusal(e, {
      version: 2,
      steps: [
        {
          kind: 'delete',
          table: 't',
          priority: 0,
          key: ['id'],
          keyTypes: [''],
          keys: [[1]],
          count: 1,
          guard: null,
        },
      ],
    });
    expect(err.code).toBe('invalid_plan');
    expect(err.field).toBe('steps[0].priority');
    expect(err.message).toContain('steps[0].priority');
    expect(await rows(e)).toEqual(before);
  });

  it('refuses a dropColumn step that claims the priority of a data step', async () => {
    const e = await engineWith(SCHEMA);
    const err = await refusal(e, {
      version: 2,
      steps: [{ kind: 'dropColumn', table: 't', column: 'x', priority: 50 }],
    });
    expect([err.code, err.field, err.step]).toEqual([
      'invalid_plan',
      'steps[0].priority',
      'dropColumn',
    ]);
    expect((await e.query('SELECT x FROM t')).length).toBe(2);
  });

  it('refuses steps out of kind order, naming the first out of place', async () => {
    const e = await engineWith(SCHEMA);
    const err = await refusal(e, {
      version: 2,
      steps: [
        {
          kind: 'insert',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          columns: ['id'],
          types: [''],
          values: [[3]],
          count: 1,
        },
        {
          kind: 'delete',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[1]],
          count: 1,
          guard: null,
        },
      ],
    });
    expect([err.code, err.field]).toEqual(['invalid_plan', 'steps[1].kind']);
  });

  it('names the step and field of a values column that does not hold count values', async () => {
    const e = await engineWith(SCHEMA);
    const err = await refusal(e, {
      version: 2,
      steps: [
        {
          kind: 'update',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[1, 2]],
          set: ['name'],
          types: [''],
          values: [['z']],
          count: 2,
          guard: null,
        },
      ],
    });
    expect([err.code, err.field, err.step, err.table]).toEqual([
      'invalid_plan',
      'steps[0].values[0]',
      'update',
      't',
    ]);
    expect(err.message).toMatch(
      /steps\[0\]\.values\[0\] \(an update step of table "t"\) holds 1 values, not 2/,
    );
  });

  it('refuses a delete keyed by a column that is not the key, which would delete other rows', async () => {
    const e = await engineWith(SCHEMA);
    const before = await rows(e);
    const err = await refusal(e, {
      version: 2,
      steps: [
        {
          kind: 'delete',
          table: 't',
          key: ['x'],
          keyTypes: [''],
          keys: [['x2']],
          count: 1,
          guard: null,
        },
      ],
    });
    expect([err.code, err.field]).toEqual(['invalid_plan', 'steps[0].key']);
    expect(await rows(e)).toEqual(before);
  });

  it('accepts a well-formed plan of every step kind', () => {
    expect(() =>
      validatePlan({
        version: 2,
        steps: [
          {
            kind: 'createTable',
            table: 'u',
            columns: [
              { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
              {
                name: 'at',
                declaredType: 'TEXT',
                notNull: false,
                default: { keyword: 'CURRENT_DATE' },
              },
            ],
            primaryKey: ['id'],
            autoIncrement: true,
            unique: [['at'], ['at', 'id']],
            checks: [
              { column: null, expression: "at >= '2000-01-01'" },
              { column: 'id', expression: 'id > 0' },
            ],
            foreignKeys: [
              {
                columns: ['id'],
                references: 't',
                to: ['id'],
                onDelete: 'CASCADE',
                onUpdate: 'NO ACTION',
              },
            ],
          },
          { kind: 'dropTable', table: 'old' },
          { kind: 'dropIndex', table: 't', index: 't_by_x' },
          { kind: 'dropColumn', table: 't', column: 'x' },
          { kind: 'renameColumn', table: 't', from: 'name', to: 'title' },
          {
            kind: 'addColumn',
            table: 't',
            column: { name: 'n', declaredType: 'REAL', notNull: false, default: { value: -1.5 } },
          },
          {
            kind: 'retypeColumn',
            table: 't',
            column: 'title',
            declaredType: 'VARCHAR(20)',
            changes: { key: ['id'], keys: [[1]], before: ['a'], after: ['a'] },
          },
          {
            kind: 'createIndex',
            table: 't',
            index: 't_by_title',
            columns: ['title', 'id'],
            unique: true,
          },
          {
            kind: 'delete',
            table: 't',
            key: ['id'],
            keyTypes: [''],
            keys: [new Float64Array([2])],
            count: 1,
            guard: null,
          },
          {
            kind: 'update',
            table: 't',
            key: ['id'],
            keyTypes: [''],
            keys: [[1]],
            set: ['id'],
            types: [''],
            values: [[7n]],
            count: 1,
            guard: {
              key: ['id'],
              keys: [[1]],
              columns: ['title'],
              kinds: ['text'],
              expected: [['a']],
            },
          },
          {
            kind: 'insert',
            table: 'u',
            key: [],
            keyTypes: [],
            columns: [],
            types: [],
            values: [],
            count: 2,
          },
        ],
        basis: [{ table: 't', seq: 3 }],
      }),
    ).not.toThrow();
  });

  it('refuses every one-field mutation of index steps and of declared constraints, naming the field', () => {
    const plan: ExecutionPlan = {
      version: 2,
      steps: [
        {
          kind: 'createTable',
          table: 'u',
          columns: [
            { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
            { name: 'v', declaredType: 'TEXT', notNull: false, default: null },
          ],
          primaryKey: ['id'],
          autoIncrement: false,
          unique: [['v']],
          checks: [{ column: 'v', expression: "v <> 'x'" }],
          foreignKeys: [
            {
              columns: ['id'],
              references: 't',
              to: [],
              onDelete: 'SET NULL',
              onUpdate: 'RESTRICT',
            },
          ],
        },
        { kind: 'dropIndex', table: 't', index: 'old' },
        { kind: 'createIndex', table: 'u', index: 'u_v', columns: ['v'], unique: false },
      ],
    };
    expect(() => validatePlan(plan)).not.toThrow();
    const mutations = planMutations(plan);
    const kinds = mutations.map((m) => m.what);
    for (const what of [
      "index named with SQLite's prefix",
      'a CHECK 1); DROP TABLE items; --',
      'a CHECK (SELECT 1)',
      'a UNIQUE constraint over no column of the table',
      'a CHECK on no column of the table',
      'columns empty',
      'unique yes',
    ])
      expect(kinds).toContain(what);
    for (const m of mutations) {
      let error: unknown = null;
      try {
        validatePlan(m.apply(plan) as ExecutionPlan);
      } catch (e) {
        error = e;
      }
      expect(error, m.what).toBeInstanceOf(PandalchemyError);
      const e = error as PandalchemyError;
      expect(e.code, m.what).toBe('invalid_plan');
      // The step at least: a field's fault may be found through its neighbours (count, key).
      const step = m.path.replace(/^(steps\[\d+\]).*$/, '$1');
      if (m.path !== 'plan' && !m.what.includes('swapped'))
        expect(e.field?.startsWith(step), `${m.what}: ${e.field}`).toBe(true);
    }
    // Foreign key actions come from a fixed list.
    const fk = structuredClone(plan) as unknown as {
      steps: { foreignKeys?: { onDelete: string }[] }[];
    };
    fk.steps[0]!.foreignKeys![0]!.onDelete = 'DROP TABLE t';
    expect(() => validatePlan(fk as never)).toThrow(/onDelete/);
  });
});
