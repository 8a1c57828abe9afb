import { describe, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { applyPlan, ConflictError, PandalchemyError } from '../../src/postgres';
import { TARGETS, useTarget, type PostgresTarget } from '../support/postgres-targets';

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const createItems: PlanStep = {
  kind: 'createTable',
  table: 'items',
  columns: [
    { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
    { name: 'n', declaredType: 'INTEGER', notNull: false, default: null },
    { name: 'r', declaredType: 'REAL', notNull: false, default: null },
    { name: 's', declaredType: 'TEXT', notNull: false, default: { value: "it's" } },
    { name: 'b', declaredType: 'BLOB', notNull: false, default: null },
    { name: 'f', declaredType: 'BOOLEAN', notNull: false, default: null },
    { name: 'd', declaredType: 'DATE', notNull: false, default: null },
    { name: 't', declaredType: 'DATETIME', notNull: false, default: null },
  ],
  primaryKey: ['id'],
  autoIncrement: false,
};

const insertItems: PlanStep = {
  kind: 'insert',
  table: 'items',
  key: ['id'],
  keyTypes: ['INTEGER'],
  columns: ['id', 'n', 'r', 's', 'b', 'f', 'd', 't'],
  types: ['INTEGER', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'BOOLEAN', 'DATE', 'DATETIME'],
  values: [
    [1, 2, 3],
    [2n ** 60n, -5, null],
    [0.1, -1e300, Infinity],
    ['04567', 'émoji 🎉', "O'Brien"],
    [new Uint8Array([0, 255]), null, new Uint8Array([])],
    [1, 0, null],
    ['2020-01-02', '1999-12-31', null],
    ['2020-01-01 00:00:01.500', '2020-01-01 10:00:00', null],
  ],
  count: 3,
};

/** The table's rows in stored form, as text and hex, ordered by key. */
async function rows(target: PostgresTarget, table = 'items'): Promise<Record<string, unknown>[]> {
  return target.query(`SELECT * FROM "${table}" ORDER BY 1`);
}

describe.each(TARGETS)('applyPlan on %s', (name) => {
  const target = useTarget(name);

  test('creates a table with the mapped types and inserts rows of every kind', async () => {
    const result = await applyPlan(plan(createItems, insertItems), target.client);
    expect(result.rowsWritten).toBe(3);
    const types = await target.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position`,
    );
    expect(types.map((t) => t['data_type'])).toEqual([
      'bigint',
      'bigint',
      'double precision',
      'text',
      'bytea',
      'boolean',
      'date',
      'timestamp without time zone',
    ]);
    const text = await target.query(
      `SELECT id::text, n::text, r::text, s, encode(b, 'hex') AS b, f::text, d::text, t::text FROM items ORDER BY id`,
    );
    expect(text).toEqual([
      {
        id: '1',
        n: '1152921504606846976',
        r: '0.1',
        s: '04567',
        b: '00ff',
        f: 'true',
        d: '2020-01-02',
        t: '2020-01-01 00:00:01.5',
      },
      {
        id: '2',
        n: '-5',
        r: '-1e+300',
        s: 'émoji 🎉',
        b: null,
        f: 'false',
        d: '1999-12-31',
        t: '2020-01-01 10:00:00',
      },
      { id: '3', n: null, r: 'Infinity', s: "O'Brien", b: '', f: null, d: null, t: null },
    ]);
  });

  test('writes many rows through statements prepared once, and a type change between pushes gets them prepared anew', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    const setN = (values: unknown[], type: string): PlanStep => ({
      kind: 'update',
      table: 'items',
      key: ['id'],
      keyTypes: ['INTEGER'],
      keys: [[1, 2, 3]],
      set: ['n'],
      types: [type],
      values: [values as never],
      count: 3,
      guard: null,
    });
    await applyPlan(plan(setN([7, 8, 9], 'INTEGER')), target.client);
    // The same UPDATE text on the same connection, its parameter now text: prepared while the
    // column was bigint, it would refuse 'a' (invalid input syntax for type bigint).
    await applyPlan(
      plan({ kind: 'retypeColumn', table: 'items', column: 'n', declaredType: 'TEXT' }),
      target.client,
    );
    await applyPlan(plan(setN(['a', 'b', 'c'], 'TEXT')), target.client);
    expect((await rows(target)).map((r) => [String(r['id']), r['n']])).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ]);
  });

  test('moves rows through temporary keys past the new keys as well as the stored ones', async () => {
    // A chain: 1 -> 5 and 2 -> 1, where 5 is past the largest stored key (3): temporaries from
    // the stored keys alone (4 and 5) put the second row on 5 while the first arrives there.
    await applyPlan(plan(createItems, insertItems), target.client);
    await applyPlan(
      plan({
        kind: 'update',
        table: 'items',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [[1, 2]],
        set: ['id'],
        types: ['INTEGER'],
        values: [[5, 1]],
        count: 2,
        guard: null,
      }),
      target.client,
    );
    expect((await rows(target)).map((r) => [String(r['id']), r['s']])).toEqual([
      ['1', 'émoji 🎉'],
      ['3', "O'Brien"],
      ['5', '04567'],
    ]);
  });

  test('updates and deletes by key, and swaps keys through temporary keys', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    await applyPlan(
      plan(
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
          keys: [[1, 2]],
          set: ['id', 's'],
          types: ['INTEGER', 'TEXT'],
          values: [
            [2, 1],
            ['was 1', 'was 2'],
          ],
          count: 2,
          guard: null,
        },
      ),
      target.client,
    );
    expect((await rows(target)).map((r) => [String(r['id']), r['s']])).toEqual([
      ['1', 'was 2'],
      ['2', 'was 1'],
    ]);
  });

  test('moves the second column of a composite key, and swaps whole composite keys', async () => {
    // Regression: temporaries went through the first key column even when the step did not set
    // it, so the rows kept their temporary first column (or collided).
    const pairs: PlanStep[] = [
      {
        kind: 'createTable',
        table: 'pairs',
        columns: [
          { name: 'k1', declaredType: 'TEXT', notNull: true, default: null },
          { name: 'k2', declaredType: 'INTEGER', notNull: true, default: null },
          { name: 'v', declaredType: 'TEXT', notNull: false, default: null },
        ],
        primaryKey: ['k1', 'k2'],
        autoIncrement: false,
      },
      {
        kind: 'insert',
        table: 'pairs',
        key: ['k1', 'k2'],
        keyTypes: ['TEXT', 'INTEGER'],
        columns: ['k1', 'k2', 'v'],
        types: ['TEXT', 'INTEGER', 'TEXT'],
        values: [
          ['x', 'x', 'y'],
          [1, 2, 1],
          ['x1', 'x2', 'y1'],
        ],
        count: 3,
      },
    ];
    await applyPlan(plan(...pairs), target.client);
    const update = (keys: unknown[][], set: string[], values: unknown[][]): PlanStep =>
      ({
        kind: 'update',
        table: 'pairs',
        key: ['k1', 'k2'],
        keyTypes: ['TEXT', 'INTEGER'],
        keys,
        set,
        types: set.map((c) => (c === 'k2' ? 'INTEGER' : 'TEXT')),
        values,
        count: keys[0]!.length,
        guard: null,
      }) as PlanStep;
    const stored = async (): Promise<string[]> =>
      (await target.query(`SELECT k1 || ':' || k2 || '=' || v AS r FROM pairs ORDER BY 1`)).map(
        (r) => String(r['r']),
      );
    // Only k2 moves: (x,1) <-> (x,2).
    await applyPlan(
      plan(
        update(
          [
            ['x', 'x'],
            [1, 2],
          ],
          ['k2'],
          [[2, 1]],
        ),
      ),
      target.client,
    );
    expect(await stored()).toEqual(['x:1=x2', 'x:2=x1', 'y:1=y1']);
    // Whole composite keys swap: (x,1) <-> (y,1), k2 unchanged but set.
    await applyPlan(
      plan(
        update(
          [
            ['x', 'y'],
            [1, 1],
          ],
          ['k1', 'k2'],
          [
            ['y', 'x'],
            [1, 1],
          ],
        ),
      ),
      target.client,
    );
    expect(await stored()).toEqual(['x:1=y1', 'x:2=x1', 'y:1=x2']);
  });

  test('swaps keys past 2^53 through temporary keys that no stored key takes', async () => {
    // Regression: temporaries were counted up from the largest key read as a double, which rounded
    // 2^60 + 1 down and made the first temporary that very key.
    await applyPlan(plan(createItems, insertItems), target.client);
    const big = 2n ** 60n + 1n;
    await target.query(`UPDATE items SET id = $1 WHERE id = 3`, [String(big)]);
    await applyPlan(
      plan({
        kind: 'update',
        table: 'items',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [[1, big]],
        set: ['id'],
        types: ['INTEGER'],
        values: [[big, 1]],
        count: 2,
        guard: null,
      }),
      target.client,
    );
    expect((await rows(target)).map((r) => [String(r['id']), r['s']])).toEqual([
      ['1', "O'Brien"],
      ['2', 'émoji 🎉'],
      [String(big), '04567'],
    ]);
  });

  test('refuses a push whose guarded rows changed, naming every conflict, and writes nothing', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    await target.query(`UPDATE items SET n = 99 WHERE id = 2`);
    await target.query(`DELETE FROM items WHERE id = 3`);
    const push = applyPlan(
      plan({
        kind: 'update',
        table: 'items',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [[1, 2, 3]],
        set: ['s'],
        types: ['TEXT'],
        values: [['x', 'y', 'z']],
        count: 3,
        guard: {
          key: ['id'],
          keys: [[1, 2, 3]],
          columns: ['n', 'f'],
          kinds: ['integer', 'boolean'],
          expected: [
            [2n ** 60n, -5, null],
            [true, false, null],
          ],
        },
      }),
      target.client,
    );
    await expect(push).rejects.toBeInstanceOf(ConflictError);
    const error = (await push.catch((e: unknown) => e)) as ConflictError;
    expect(error.conflicts).toEqual([
      { table: 'items', key: [2], columns: ['n'], missing: false },
      { table: 'items', key: [3], columns: ['n', 'f'], missing: true },
    ]);
    expect((await rows(target)).map((r) => r['s'])).toEqual(['04567', 'émoji 🎉']);
  });

  test('checks the guards of many rows in batches, finding the conflicts wherever they are', async () => {
    // 450 guarded rows: three reads of READ_CHUNK keys, the last one padded.
    const n = 450;
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    await applyPlan(
      plan(createItems, {
        kind: 'insert',
        table: 'items',
        key: ['id'],
        keyTypes: ['INTEGER'],
        columns: ['id', 'n', 's'],
        types: ['INTEGER', 'INTEGER', 'TEXT'],
        values: [ids, ids.map((i) => i * 2), ids.map((i) => `s${i}`)],
        count: n,
      }),
      target.client,
    );
    await target.query(`UPDATE items SET s = 'changed' WHERE id IN (1, 200, 201, 450)`);
    await target.query(`DELETE FROM items WHERE id = 401`);
    const push = applyPlan(
      plan({
        kind: 'delete',
        table: 'items',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [ids],
        count: n,
        guard: {
          key: ['id'],
          keys: [ids],
          columns: ['n', 's'],
          kinds: ['integer', 'text'],
          expected: [ids.map((i) => i * 2), ids.map((i) => `s${i}`)],
        },
      }),
      target.client,
    );
    const error = (await push.catch((e: unknown) => e)) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.conflicts).toEqual([
      { table: 'items', key: [1], columns: ['s'], missing: false },
      { table: 'items', key: [200], columns: ['s'], missing: false },
      { table: 'items', key: [201], columns: ['s'], missing: false },
      { table: 'items', key: [401], columns: ['n', 's'], missing: true },
      { table: 'items', key: [450], columns: ['s'], missing: false },
    ]);
    expect((await target.query('SELECT count(*)::int AS c FROM items'))[0]!['c']).toBe(n - 1);
  });

  test('reports a duplicate key as a constraint error naming table, row and constraint, and rolls back', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    const push = applyPlan(
      plan(
        {
          kind: 'addColumn',
          table: 'items',
          column: { name: 'x', declaredType: 'TEXT', notNull: false, default: null },
        },
        {
          kind: 'delete',
          table: 'items',
          key: ['id'],
          keyTypes: ['INTEGER'],
          keys: [[1]],
          count: 1,
          guard: null,
        },
        {
          kind: 'insert',
          table: 'items',
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['id'],
          types: ['INTEGER'],
          values: [[7, 2]],
          count: 2,
        },
      ),
      target.client,
    );
    const error = (await push.catch((e: unknown) => e)) as PandalchemyError;
    expect(error).toBeInstanceOf(PandalchemyError);
    expect(error).toMatchObject({
      code: 'constraint',
      table: 'items',
      key: [2],
      step: 'insert',
      constraint: 'items_pkey',
    });
    expect(error.message).toContain('items_pkey');
    const after = await rows(target);
    expect(after.map((r) => String(r['id']))).toEqual(['1', '2', '3']);
    expect(Object.keys(after[0]!)).not.toContain('x');
  });

  test('changes the schema: add with a default, rename, retype with USING, drop', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    await applyPlan(
      plan(
        { kind: 'dropColumn', table: 'items', column: 'b' },
        { kind: 'renameColumn', table: 'items', from: 's', to: 'label' },
        {
          kind: 'addColumn',
          table: 'items',
          column: { name: 'k', declaredType: 'INTEGER', notNull: true, default: { value: 7 } },
        },
        { kind: 'retypeColumn', table: 'items', column: 'f', declaredType: 'INTEGER' },
        { kind: 'retypeColumn', table: 'items', column: 'n', declaredType: 'TEXT' },
      ),
      target.client,
    );
    const after = await target.query(
      `SELECT id::text, n, label, f::text, k::text FROM items ORDER BY id`,
    );
    expect(after).toEqual([
      { id: '1', n: '1152921504606846976', label: '04567', f: '1', k: '7' },
      { id: '2', n: '-5', label: 'émoji 🎉', f: '0', k: '7' },
      { id: '3', n: null, label: "O'Brien", f: null, k: '7' },
    ]);
  });

  test('creates and drops indexes; a unique index the rows break fails as a constraint', async () => {
    await applyPlan(plan(createItems, insertItems), target.client);
    const index = (name: string, columns: string[], unique: boolean): PlanStep => ({
      kind: 'createIndex',
      table: 'items',
      index: name,
      columns,
      unique,
    });
    await applyPlan(plan(index('items_by_s', ['s'], true)), target.client);
    const names = async () =>
      (
        await target.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1`)
      ).map((r) => r['indexname']);
    expect(await names()).toEqual(['items_by_s', 'items_pkey']);
    await applyPlan(
      plan({ kind: 'dropIndex', table: 'items', index: 'items_by_s' }),
      target.client,
    );
    expect(await names()).toEqual(['items_pkey']);
    await target.query(`UPDATE items SET f = true`);
    await expect(applyPlan(plan(index('one_f', ['f'], true)), target.client)).rejects.toMatchObject(
      {
        code: 'constraint',
        table: 'items',
      },
    );
    expect(await names()).toEqual(['items_pkey']);
  });

  test('checks foreign keys when the push commits: any row order within it, dangling rows refused', async () => {
    const parent: PlanStep = {
      kind: 'createTable',
      table: 'parent',
      columns: [{ name: 'id', declaredType: 'INTEGER', notNull: true, default: null }],
      primaryKey: ['id'],
      autoIncrement: false,
    };
    const child: PlanStep = {
      kind: 'createTable',
      table: 'child',
      columns: [
        { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
        { name: 'p', declaredType: 'INTEGER', notNull: false, default: null },
      ],
      primaryKey: ['id'],
      autoIncrement: false,
      foreignKeys: [
        {
          columns: ['p'],
          references: 'parent',
          to: ['id'],
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
      ],
    };
    const insert = (table: string, columns: string[], values: number[][]): PlanStep => ({
      kind: 'insert',
      table,
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns,
      types: columns.map(() => 'INTEGER'),
      values,
      count: values[0]!.length,
    });
    await applyPlan(plan(parent, child), target.client);
    // The child row comes first, and references a parent row the same push inserts after it.
    await applyPlan(
      plan(insert('child', ['id', 'p'], [[1], [10]]), insert('parent', ['id'], [[10]])),
      target.client,
    );
    const dangling = applyPlan(plan(insert('child', ['id', 'p'], [[2], [99]])), target.client);
    await expect(dangling).rejects.toMatchObject({ code: 'constraint', table: 'child' });
    expect(await target.query(`SELECT id::int, p::int FROM child ORDER BY id`)).toEqual([
      { id: 1, p: 10 },
    ]);
  });

  test('refuses a table without a primary key with a typed error', async () => {
    const push = applyPlan(plan({ ...createItems, primaryKey: [] } as PlanStep), target.client);
    await expect(push).rejects.toMatchObject({ code: 'key_column', table: 'items' });
    expect(await target.query(`SELECT to_regclass('items') AS t`)).toEqual([{ t: null }]);
  });

  test('treats a table name as one identifier, never as SQL', async () => {
    const table = 'it"ems; DROP TABLE x; --';
    await applyPlan(
      plan({ ...createItems, table } as PlanStep, { ...insertItems, table } as PlanStep),
      target.client,
    );
    expect(
      await target.query(`SELECT count(*)::int AS n FROM "it""ems; DROP TABLE x; --"`),
    ).toEqual([{ n: 3 }]);
  });
});
