import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SqlJs } from '../../src/engine/sqlite';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { checkExpressionProblem } from '../../src/plan/check-expression';
import { applyPlan, PandalchemyError } from '../../src/postgres';
import { loadSql } from '../support/memory-storage';
import { TARGETS, useTarget } from '../support/postgres-targets';

// A CHECK expression comes from a plan: the app's, or a device's through the sync server. The
// check that it stays one expression read it as SQLite does; PostgreSQL reads E'\'' as one
// quote, and $$...$$ as a quote of its own, so a `;` the check took for quoted ran as the end of
// a statement, and node-postgres sent parameterless DDL by the simple protocol, which runs every
// statement of the text: DROP TABLE of another table ran.

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

const createWithCheck = (expression: string): PlanStep => ({
  kind: 'createTable',
  table: 't',
  columns: [
    { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
    { name: 'v', declaredType: 'TEXT', notNull: false, default: null },
  ],
  primaryKey: ['id'],
  autoIncrement: false,
  checks: [{ column: null, expression }],
});

const PAYLOADS = [
  `v = E'\\'' )); DROP TABLE victim; CREATE TABLE pwned (a text, CHECK (a <> $$'$$`,
  `v = U&'\\0027' )); DROP TABLE victim; --'`,
  `v <> $$ )); DROP TABLE victim; $$`,
  `v <> $q$ )); DROP TABLE victim; $q$`,
  'v <> `a`); DROP TABLE victim; --`',
  'v <> [a); DROP TABLE victim; --]',
];

describe.each(TARGETS)('a CHECK expression PostgreSQL reads otherwise (%s)', (name) => {
  const target = useTarget(name);
  for (const payload of PAYLOADS) {
    test(`is refused, and runs nothing: ${payload}`, async () => {
      await target.query('CREATE TABLE victim (id bigint PRIMARY KEY)');
      const e = await applyPlan(plan(createWithCheck(payload)), target.client).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PandalchemyError);
      const tables = await target.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((r) => r['table_name'])).toEqual(['victim']);
    });
  }

  test('a plain expression still makes its CHECK', async () => {
    await applyPlan(plan(createWithCheck(`v <> 'a;b -- c' AND "v" IS NOT NULL`)), target.client);
    const e = await target.query(`INSERT INTO t VALUES (1, 'a;b -- c')`).then(
      () => null,
      (x: unknown) => x,
    );
    expect(String(e)).toContain('check constraint');
  });
});

/**
 * Any expression the check accepts, put in `CHECK (...)`, is one statement to SQLite and to
 * PostgreSQL: texts made of the pieces either reads differently (quotes, prefixes, dollar quotes,
 * comments, backslashes, semicolons).
 */
describe('every CHECK expression the check accepts', () => {
  let pg: PGlite;
  let SQL: SqlJs;
  beforeAll(async () => {
    pg = await PGlite.create();
    // What a text of several statements would drop: its DROP then runs, and the count shows it.
    await pg.exec('CREATE TABLE victim (id bigint)');
    SQL = await loadSql();
  });
  afterAll(() => pg.close());
  const piece = fc.constantFrom(
    "'",
    '"',
    "''",
    "E'",
    "e'",
    "U&'",
    "X'",
    '$$',
    '$a$',
    '$1',
    '\\',
    ';',
    '--',
    '/*',
    '*/',
    '(',
    ')',
    '`',
    '[',
    ']',
    ' ',
    'v',
    '1',
    '=',
    '<>',
    '&',
    'a$b',
    'DROP TABLE victim',
  );
  // An opening a reader may take for a quote, statements, and a closing that may end it: the
  // shape an expression needs to end its CHECK early for one reader and not the other.
  const opening = fc.constantFrom("'", "E'\\''", "U&'\\0027'", '`', '[', '$$', '$q$', "''", '"');
  const closing = fc.constantFrom("'", "$$'$$", "'--", '`', ']', '$$', '$q$', "''", '"');
  const shaped = fc
    .tuple(opening, fc.constantFrom('', ' ', ' v'), closing)
    .map(([open, fill, close]) => [
      `v = ${open}${fill} )); DROP TABLE victim; CREATE TABLE pwned (a text, CHECK (a <> ${close}`,
    ]);
  test('is one statement to SQLite and to PostgreSQL', async () => {
    let accepted = 0;
    const texts = fc.oneof(fc.array(piece, { minLength: 1, maxLength: 12 }), shaped);
    await fc.assert(
      fc.asyncProperty(texts, async (pieces) => {
        const expression = pieces.join('');
        if (checkExpressionProblem(expression) !== null) return;
        accepted++;
        const sql = `CREATE TABLE t (v text, CHECK (${expression}))`;
        const db = new SQL.Database();
        try {
          let statements = 0;
          try {
            for (const st of db.iterateStatements(sql)) {
              statements++;
              st.free();
            }
          } catch {
            // SQLite refuses it: nothing runs.
          }
          expect(statements, sql).toBeLessThanOrEqual(1);
        } finally {
          db.close();
        }
        await pg.exec('BEGIN');
        try {
          const results = await pg.exec(sql).catch(() => []);
          expect(results.length, sql).toBeLessThanOrEqual(1);
        } finally {
          await pg.exec('ROLLBACK');
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches accepted texts, not only refused ones.
    expect(accepted).toBeGreaterThan(RUNS / 40);
  });
});
