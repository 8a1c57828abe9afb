import fc from 'fast-check';
import {
  FOREIGN_KEY_ACTIONS,
  PLAN_VERSION,
  STEP_ORDER,
  type ColumnDefinition,
  type ColumnValues,
  type ExecutionPlan,
  type Guard,
  type PlanStep,
} from '../../src/plan/execution-plan';
import { identifierKey } from '../../src/dialect/sqlite/sqlite-text';
import { COLUMN_KINDS, type ColumnKind } from '../../src/values/column-kind';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import { INT64_MAX, INT64_MIN } from '../../src/values/sql-value';

/**
 * Well-formed plans of every step kind, built from the types rather than from edits: every value
 * a plan may hold appears (-0, infinities, 64-bit integers at both ends, bytes, empty text, astral
 * characters, dates far from today), in plain columns and Float64Arrays. Tables need not exist:
 * these are for what reads and writes plans, not for a database.
 */

const name: fc.Arbitrary<string> = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((s) => !s.includes('\0'));

/** Distinct names (ASCII case ignored, as SQLite ignores it). */
const names = (min: number, max = 3): fc.Arbitrary<string[]> =>
  fc.uniqueArray(name, { minLength: min, maxLength: max, selector: identifierKey });

const number: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(-0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 0.1),
  fc.integer(),
);

const storedValue: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  number,
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.uint8Array({ maxLength: 6 }),
);

const cellValue: fc.Arbitrary<CellValue> = fc.oneof(
  storedValue,
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
);

/** A column of `n` values: a plain list, or a Float64Array when it holds numbers only. */
function column(n: number, value: fc.Arbitrary<CellValue>): fc.Arbitrary<ColumnValues> {
  return fc.oneof(
    fc.array(value, { minLength: n, maxLength: n }) as fc.Arbitrary<SqlValue[]>,
    fc.array(number, { minLength: n, maxLength: n }).map((v) => Float64Array.from(v)),
  );
}

const columns = (
  width: number,
  n: number,
  value: fc.Arbitrary<CellValue> = storedValue,
): fc.Arbitrary<ColumnValues[]> =>
  fc.tuple(...Array.from({ length: width }, () => column(n, value)));

const columnKind: fc.Arbitrary<ColumnKind> = fc.constantFrom(...COLUMN_KINDS);

const declaredType = fc.constantFrom('', 'INTEGER', 'TEXT', 'VARCHAR(20)', 'DECIMAL(10, 2)');

const columnDefinition: fc.Arbitrary<ColumnDefinition> = fc.record({
  name,
  declaredType,
  notNull: fc.boolean(),
  default: fc.oneof(
    fc.constant(null),
    fc.record({ value: storedValue.filter((v) => typeof v !== 'string' || !v.includes('\0')) }),
    fc.record({ keyword: fc.constantFrom('CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME') }),
  ),
});

function guard(n: number): fc.Arbitrary<Guard | null> {
  const some = fc.tuple(names(1), names(0)).chain(([key, cols]) =>
    fc.record({
      key: fc.constant(key),
      keys: columns(key.length, n),
      columns: fc.constant(cols),
      kinds: fc.array(columnKind, { minLength: cols.length, maxLength: cols.length }),
      expected: columns(cols.length, n, cellValue),
    }),
  );
  return fc.oneof(fc.constant(null), some);
}

const table = { table: name };
const count = fc.nat(4);

const createTable = fc
  .uniqueArray(columnDefinition, {
    minLength: 1,
    maxLength: 3,
    selector: (c) => identifierKey(c.name),
  })
  .chain((cols) => {
    const names = cols.map((c) => c.name);
    const some = fc.subarray(names, { minLength: 1 });
    return fc.record(
      {
        kind: fc.constant('createTable' as const),
        ...table,
        columns: fc.constant(cols),
        primaryKey: fc.subarray(names),
        autoIncrement: fc.constant(false),
        unique: fc.array(some, { maxLength: 2 }),
        checks: fc.array(
          fc.record({
            column: fc.option(fc.constantFrom(...names), { nil: null }),
            // SQL text as a developer writes it: literals may hold what is refused outside them.
            expression: fc.constantFrom('1', 'x > 0', "a <> 'b;c -- d'", '"q""x" IS NOT NULL'),
          }),
          { maxLength: 2 },
        ),
        foreignKeys: fc.array(
          some.chain((columns) =>
            fc.record({
              columns: fc.constant(columns),
              references: name,
              to: fc.constantFrom([], columns),
              onDelete: fc.constantFrom(...FOREIGN_KEY_ACTIONS),
              onUpdate: fc.constantFrom(...FOREIGN_KEY_ACTIONS),
            }),
          ),
          { maxLength: 1 },
        ),
      },
      { requiredKeys: ['kind', 'table', 'columns', 'primaryKey', 'autoIncrement'] },
    );
  });

const indexName = name.filter((n) => !/^sqlite_/i.test(n));

const retypeColumn = fc.record(
  {
    kind: fc.constant('retypeColumn' as const),
    ...table,
    column: name,
    declaredType,
    changes: fc.tuple(names(1), count).chain(([key, n]) =>
      fc.record({
        key: fc.constant(key),
        keys: columns(key.length, n),
        before: column(n, storedValue),
        after: column(n, storedValue),
      }),
    ),
  },
  { requiredKeys: ['kind', 'table', 'column', 'declaredType'] },
);

/** Declared types for `width` columns. */
const types = (width: number): fc.Arbitrary<string[]> =>
  fc.array(declaredType, { minLength: width, maxLength: width });

const deleteStep = fc.tuple(names(1), count).chain(([key, n]) =>
  fc.record({
    kind: fc.constant('delete' as const),
    ...table,
    key: fc.constant(key),
    keyTypes: types(key.length),
    keys: columns(key.length, n),
    count: fc.constant(n),
    guard: guard(n),
  }),
);

const updateStep = fc.tuple(names(1), names(1), count).chain(([key, set, n]) =>
  fc.record({
    kind: fc.constant('update' as const),
    ...table,
    key: fc.constant(key),
    keyTypes: types(key.length),
    keys: columns(key.length, n),
    set: fc.constant(set),
    types: types(set.length),
    values: columns(set.length, n),
    count: fc.constant(n),
    guard: guard(n),
  }),
);

const insertStep = fc.tuple(names(0), names(0), count).chain(([key, cols, n]) =>
  fc.record({
    kind: fc.constant('insert' as const),
    ...table,
    key: fc.constant(key),
    keyTypes: types(key.length),
    columns: fc.constant(cols),
    types: types(cols.length),
    values: columns(cols.length, n),
    count: fc.constant(n),
  }),
);

const step: fc.Arbitrary<PlanStep> = fc.oneof(
  createTable,
  fc.record({ kind: fc.constant('dropTable' as const), ...table }),
  fc.record({ kind: fc.constant('dropColumn' as const), ...table, column: name }),
  fc
    .tuple(name, name)
    .filter(([a, b]) => a !== b)
    .map(([from, to]) => ({ kind: 'renameColumn' as const, table: 'r', from, to })),
  fc.record({ kind: fc.constant('addColumn' as const), ...table, column: columnDefinition }),
  retypeColumn,
  fc.record({
    kind: fc.constant('createIndex' as const),
    ...table,
    index: indexName,
    columns: names(1),
    unique: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('dropIndex' as const), ...table, index: indexName }),
  deleteStep,
  updateStep,
  insertStep,
);

/** A well-formed plan: steps in the order of their kinds, a basis or none. */
export const planArbitrary: fc.Arbitrary<ExecutionPlan> = fc
  .record(
    {
      steps: fc.array(step, { maxLength: 6 }),
      basis: fc.uniqueArray(fc.record({ table: name, seq: fc.nat() }), {
        maxLength: 3,
        selector: (b) => b.table,
      }),
    },
    { requiredKeys: ['steps'] },
  )
  .map(({ steps, basis }) => ({
    version: PLAN_VERSION,
    steps: [...steps].sort((a, b) => STEP_ORDER[a.kind] - STEP_ORDER[b.kind]),
    ...(basis ? { basis } : {}),
  }));
