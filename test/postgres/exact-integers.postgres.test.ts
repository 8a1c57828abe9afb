import { describe, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { applyPlan } from '../../src/postgres';
import { TARGETS, useTarget } from '../support/postgres-targets';

/**
 * node-postgres and PGlite send a BigInt as its decimal text, as sql.js binds it; PostgreSQL types
 * a parameter from its context (the column written or compared), and has no untyped column: an
 * integer beyond 2^53 in an INTEGER (BIGINT) or NUMERIC column or key is written, found, moved
 * and deleted as that integer. Checked against the same writes as literal SQL.
 */
const OLD = [2n ** 60n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n];
const NEW = [
  2n ** 60n + 2n ** 20n,
  -(2n ** 63n) + 2n ** 20n,
  2n ** 63n - 2n ** 20n,
  2n ** 53n + 4n,
];

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const create = (table: string, keyType: string): PlanStep => ({
  kind: 'createTable',
  table,
  columns: [
    { name: 'k', declaredType: keyType, notNull: true, default: null },
    { name: 'i', declaredType: 'INTEGER', notNull: false, default: null },
    { name: 'n', declaredType: 'NUMERIC', notNull: false, default: null },
  ],
  primaryKey: ['k'],
  autoIncrement: false,
});

const insert = (table: string, keyType: string, keys: bigint[], values: bigint[]): PlanStep => ({
  kind: 'insert',
  table,
  key: ['k'],
  keyTypes: [keyType],
  columns: ['k', 'i', 'n'],
  types: [keyType, 'INTEGER', 'NUMERIC'],
  values: [keys, values, values],
  count: keys.length,
});

const update = (
  table: string,
  keyType: string,
  keys: bigint[],
  set: string[],
  values: bigint[][],
): PlanStep => ({
  kind: 'update',
  table,
  key: ['k'],
  keyTypes: [keyType],
  keys: [keys],
  set,
  types: set.map((c) => (c === 'k' ? keyType : c === 'i' ? 'INTEGER' : 'NUMERIC')),
  values,
  count: keys.length,
  guard: null,
});

describe.each(TARGETS)('integers beyond 2^53 on %s', (name) => {
  const target = useTarget(name);

  /** The table's rows as text, each value with its PostgreSQL type. */
  const contents = async (table: string): Promise<string[]> =>
    (
      await target.query(
        `SELECT k::text || ':' || pg_typeof(k) || ' ' || coalesce(i::text, 'null') || ':' || pg_typeof(i) || ' ' || coalesce(n::text, 'null') || ':' || pg_typeof(n) AS row FROM "${table}" ORDER BY k`,
      )
    ).map((r) => String(r['row']));

  test.each(['INTEGER', 'NUMERIC'])(
    'are written, found, moved and deleted as integers under a %s key',
    async (keyType) => {
      await applyPlan(plan(create('t', keyType), insert('t', keyType, OLD, OLD)), target.client);
      await applyPlan(
        plan(
          {
            kind: 'delete',
            table: 't',
            key: ['k'],
            keyTypes: [keyType],
            keys: [[OLD[1]!]],
            count: 1,
            guard: null,
          },
          update('t', keyType, [OLD[0]!], ['i', 'n'], [[NEW[0]!], [NEW[0]!]]),
          // A swap: through temporary keys (after -(2^63) went: a table holding both ends of 64
          // bits has no free integer key to move through).
          update('t', keyType, [OLD[2]!, OLD[3]!], ['k'], [[OLD[3]!, OLD[2]!]]),
        ),
        target.client,
      );
      // The same as literal SQL.
      await target.query(
        `CREATE TABLE "ref" (k ${keyType === 'INTEGER' ? 'BIGINT' : 'NUMERIC'} PRIMARY KEY, i BIGINT, n NUMERIC)`,
      );
      for (const b of OLD) await target.query(`INSERT INTO "ref" VALUES (${b}, ${b}, ${b})`);
      await target.query(`DELETE FROM "ref" WHERE k = ${OLD[1]}`);
      await target.query(`UPDATE "ref" SET i = ${NEW[0]}, n = ${NEW[0]} WHERE k = ${OLD[0]}`);
      await target.query(`UPDATE "ref" SET k = 0 WHERE k = ${OLD[2]}`);
      await target.query(`UPDATE "ref" SET k = ${OLD[2]} WHERE k = ${OLD[3]}`);
      await target.query(`UPDATE "ref" SET k = ${OLD[3]} WHERE k = 0`);
      const [got, want] = [await contents('t'), await contents('ref')];
      expect(got).toEqual(want);
      expect(got).toHaveLength(3);
    },
  );
});
