import { describe, expect, test } from 'vitest';
import { planToSql, type ExecutionPlan, type PlanStep } from '../../src/index';
import { buildPlan } from '../../src/plan/build-plan';
import { PLAN_VERSION, type UpdateStep } from '../../src/plan/execution-plan';
import { places, users } from '../support/tables';
import { keyMovesOf } from '../../src/dialect/key-moves';

const kinds = (plan: ExecutionPlan) => plan.steps.map((s) => s.kind);
const only = <K extends PlanStep['kind']>(plan: ExecutionPlan, kind: K) =>
  plan.steps.filter((s): s is Extract<PlanStep, { kind: K }> => s.kind === kind);

describe('execution plan', () => {
  test('orders steps: schema, deletes, updates, inserts', () => {
    const t = users()
      .insert({ id: 9, name: 'i' })
      .set(1, 'name', 'u')
      .delete(2)
      .addColumn('a', { type: 'TEXT' })
      .renameColumn('zip', 'z')
      .dropColumn('score');
    expect(kinds(t.plan())).toEqual([
      'dropColumn',
      'renameColumn',
      'addColumn',
      'delete',
      'update',
      'insert',
    ]);
    expect(t.plan().version).toBe(PLAN_VERSION);
  });

  test('is plain data that survives structured cloning', () => {
    const t = users().set(1, 'name', 'u').insert({ id: 9, name: 'i' });
    const plan = t.plan();
    expect(structuredClone(plan)).toEqual(plan);
  });

  test('compresses insert then update into one insert with the final values', () => {
    const t = users().insert({ id: 9, name: 'first' }).set(9, 'name', 'final');
    const [ins] = only(t.plan(), 'insert');
    expect(kinds(t.plan())).toEqual(['insert']);
    expect(ins!.values[ins!.columns.indexOf('name')]).toEqual(['final']);
  });

  test('compresses insert then delete into nothing', () => {
    expect(users().insert({ id: 9, name: 'x' }).delete(9).plan().steps).toEqual([]);
  });

  test('compresses update then update into one update', () => {
    const t = users().set(1, 'name', 'a').set(1, 'name', 'b').set(1, 'score', 4);
    const ups = only(t.plan(), 'update');
    expect(ups).toHaveLength(1);
    expect(ups[0]!.set).toEqual(['name', 'score']);
    expect(ups[0]!.values).toEqual([['b'], Float64Array.from([4])]);
  });

  test('adds a column added then renamed under its final name', () => {
    const t = users().addColumn('a', { type: 'TEXT' }).renameColumn('a', 'b');
    expect(t.plan().steps).toMatchObject([{ kind: 'addColumn', column: { name: 'b' } }]);
  });

  test('compresses add then drop of a column into nothing', () => {
    expect(
      users().addColumn('a', { type: 'TEXT', default: 'x' }).dropColumn('a').plan().steps,
    ).toEqual([]);
  });

  test('writes values assigned to a new column in the same push', () => {
    const t = users().addColumn('age', { type: 'INTEGER', values: [30, 40, null] });
    const plan = t.plan();
    expect(kinds(plan)).toEqual(['addColumn', 'update']);
    expect(only(plan, 'update')[0]).toMatchObject({ set: ['age'], count: 2 });
  });

  test('updates touch only the changed columns and carry their stored values as guards', () => {
    const t = users().set(1, 'name', 'new');
    const [u] = only(t.plan(), 'update');
    expect(u!.set).toEqual(['name']);
    expect(u!.guard).toEqual({
      key: ['id'],
      keys: [Float64Array.from([1])],
      columns: ['name'],
      kinds: ['text'],
      expected: [['Ada']],
    });
  });

  test('deletes carry the whole stored row as guard', () => {
    const [d] = only(users().delete(3).plan(), 'delete');
    expect(d!.guard).toMatchObject({
      columns: ['name', 'zip', 'score'],
      expected: [['Linus'], ['94107'], [null]],
    });
  });

  test('addresses updates by the final key after a key change', () => {
    const t = users().set(1, 'id', 10).set(10, 'name', 'x');
    const [rekey, upd] = only(t.plan(), 'update');
    expect(rekey).toMatchObject({ set: ['id'], types: ['INTEGER'], keyTypes: ['INTEGER'] });
    expect(keyMovesOf(rekey as UpdateStep)).toBe('direct');
    expect(upd).toMatchObject({ set: ['name'], keys: [Float64Array.from([10])] });
    expect(upd!.guard!.keys).toEqual([Float64Array.from([1])]);
  });

  test('builds key swaps that a dialect moves through temporary keys', () => {
    const t = places()
      .set(['eu', 1], 'code', 9)
      .set(['eu', 2], 'code', 1)
      .set(['eu', 9], 'code', 2);
    const [swap] = only(t.plan(), 'update');
    expect(swap).toMatchObject({ count: 2 });
    expect(keyMovesOf(swap as UpdateStep)).toBe('viaTemporary');
  });

  test('orders renames that swap names through a temporary name', () => {
    const t = users()
      .renameColumn('name', 'tmp')
      .renameColumn('zip', 'name')
      .renameColumn('tmp', 'zip');
    const steps = only(t.plan(), 'renameColumn').map((s) => [s.from, s.to]);
    expect(steps).toEqual([
      ['name', '__pandalchemy_tmp_0'],
      ['zip', 'name'],
      ['__pandalchemy_tmp_0', 'zip'],
    ]);
  });

  test('drops before renaming onto a dropped name', () => {
    const t = users().dropColumn('zip').renameColumn('name', 'zip');
    expect(t.plan().steps.map((s) => s.kind)).toEqual(['dropColumn', 'renameColumn']);
  });

  test('batches updates by the set of changed columns', () => {
    const t = users()
      .set(1, 'name', 'a')
      .set(2, 'name', 'b')
      .set(3, 'score', 1)
      .set(3, 'name', 'c');
    expect(only(t.plan(), 'update').map((u) => [u.set, u.count])).toEqual([
      [['name'], 2],
      [['name', 'score'], 1],
    ]);
  });

  test('runs plan passes after building', () => {
    const dropInserts = (p: ExecutionPlan): ExecutionPlan => ({
      ...p,
      steps: p.steps.filter((s) => s.kind !== 'insert'),
    });
    const t = users().insert({ id: 9, name: 'x' }).set(1, 'name', 'y');
    expect(kinds(t.plan({ passes: [dropInserts] }))).toEqual(['update']);
  });

  test('merges several tables, priorities first', () => {
    const plan = buildPlan([
      users().insert({ id: 9, name: 'x' }).diff(),
      places()
        .delete([['eu', 1]])
        .diff(),
    ]);
    expect(plan.steps.map((s) => [s.table, s.kind])).toEqual([
      ['places', 'delete'],
      ['users', 'insert'],
    ]);
  });

  test('previews as SQL with quoted identifiers and inlined values', () => {
    const t = users().set(1, 'name', "O'Brien").addColumn('we"ird', { type: 'TEXT', default: 'x' });
    expect(planToSql(t.plan())).toBe(
      [
        `ALTER TABLE "users" ADD COLUMN "we""ird" TEXT DEFAULT ('x');`,
        `UPDATE "users" SET "name" = 'O''Brien' WHERE "id" = 1;`,
      ].join('\n'),
    );
  });

  test('previews the statements another dialect runs, and refuses a dialect it does not know', () => {
    const t = users().set(1, 'name', "O'Brien");
    expect(planToSql(t.plan(), { dialect: 'postgres' })).toBe(
      `UPDATE "users" SET "name" = 'O''Brien' WHERE "id" = '1';`,
    );
    expect(planToSql(t.plan(), { dialect: 'sqlite' })).toBe(planToSql(t.plan()));
    expect(() => planToSql(t.plan(), { dialect: 'mysql' as 'sqlite' })).toThrow(
      /'sqlite' or 'postgres'/,
    );
  });
});
