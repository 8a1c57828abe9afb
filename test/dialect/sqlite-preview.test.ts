import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database';
import type { Engine } from '../../src/db/database-state';
import { sqlitePreview, type SqlitePreviewLine } from '../../src/dialect/sqlite/sqlite-preview';
import { EngineCore } from '../../src/engine/engine-core';
import type { SqlDatabase, SqlJs, SqlStatement } from '../../src/engine/sqlite';
import { soleCoordinator } from '../../src/engine/storage';
import { isSchemaStep, type ExecutionPlan } from '../../src/plan/execution-plan';
import type { TableInfo } from '../../src/schema/table-info';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql, MemoryStorage } from '../support/memory-storage';
import { createFuzzTables, planFuzz } from '../support/plan-fuzz';

const RUNS = Number(process.env['PREVIEW_RUNS'] ?? 120);

/** One run of a statement as the engine made it: its SQL and the values bound. */
interface Run {
  readonly sql: string;
  readonly parameters: readonly SqlValue[];
}

/**
 * sql.js with every statement run recorded while `on`: `run`, and each first `step` of a prepared
 * statement after it was prepared or reset, with what was bound (copied: the engine reuses its
 * arrays).
 */
function recordingSqlJs(sql: SqlJs, runs: Run[], on: () => boolean): SqlJs {
  const statement = (text: string, stmt: SqlStatement): SqlStatement => {
    let bound: readonly SqlValue[] = [];
    let fresh = true;
    return new Proxy(stmt, {
      get(target, name) {
        if (name === 'bind')
          return (values?: readonly SqlValue[] | null) => {
            bound = values ? [...values] : [];
            return target.bind(values);
          };
        if (name === 'reset')
          return () => {
            fresh = true;
            return target.reset();
          };
        if (name === 'step')
          return () => {
            if (fresh && on()) runs.push({ sql: text, parameters: bound });
            fresh = false;
            return target.step();
          };
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  };
  const wrap = (db: SqlDatabase): SqlDatabase =>
    new Proxy(db, {
      get(target, name) {
        if (name === 'run')
          return (text: string, params?: readonly SqlValue[] | null) => {
            if (on()) runs.push({ sql: text, parameters: params ? [...params] : [] });
            target.run(text, params);
            return wrapped;
          };
        if (name === 'prepare')
          return (text: string, params?: readonly SqlValue[] | null) =>
            statement(text, target.prepare(text, params));
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  let wrapped: SqlDatabase;
  return {
    Database: function (data?: ArrayLike<number> | null) {
      wrapped = wrap(new sql.Database(data));
      return wrapped;
    } as unknown as SqlJs['Database'],
  };
}

/** Statements that are the plan's own: not reads, transaction control, settings or the change log. */
function isPlanStatement(sql: string): boolean {
  if (!/^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(sql)) return false;
  return !/__pandalchemy_(key_)?log|^\s*CREATE TEMP|DROP TRIGGER IF EXISTS temp\./i.test(sql);
}

/**
 * Checks the runs against the preview, in order: each statement's SQL and, where the preview
 * knows them, its parameters row by row. A comment stands for statements built from what the
 * database holds then (a type change after another change of the same table): the runs up to the
 * preview's next statement.
 */
function expectRunsAsPreviewed(runs: readonly Run[], preview: readonly SqlitePreviewLine[]): void {
  let j = 0;
  preview.forEach((line, at) => {
    if ('changes' in line) return;
    if ('comment' in line) {
      const after = preview.slice(at + 1).find((l) => 'sql' in l);
      while (j < runs.length && !(after && 'sql' in after && runs[j]!.sql === after.sql)) j++;
      return;
    }
    for (let i = 0; i < line.rows; i++, j++) {
      const run = runs[j];
      expect(run?.sql, `statement ${j}`).toBe(line.sql);
      if (line.parameters)
        expect(run?.parameters, `${line.sql} (row ${i})`).toEqual(line.parameters(i));
    }
  });
  expect(
    runs.slice(j).map((r) => r.sql),
    'statements the preview does not show',
  ).toEqual([]);
}

/** The SQL of the statements of a preview. */
function statements(preview: readonly SqlitePreviewLine[]): string[] {
  return preview.flatMap((l) => ('sql' in l ? [l.sql] : []));
}

describe('planToSql shows what the SQLite engine runs', () => {
  it(`for ${RUNS} random plans: the statements and values the engine binds, in its order`, async () => {
    const runs: Run[] = [];
    let on = false;
    const sql = await loadSql();
    const core = new EngineCore({
      loadSql: () => Promise.resolve(recordingSqlJs(sql, runs, () => on)),
      storage: () => new MemoryStorage(),
      coordinator: () => soleCoordinator,
    });
    const engine = core as unknown as Engine;
    engine.terminate = () => undefined;
    const db = new Database(
      'preview',
      engine,
      await core.open({ name: 'preview', persist: false }),
    );
    await db.listen();
    await createFuzzTables(db);
    let preview: SqlitePreviewLine[] = [];
    let compared = 0;
    await planFuzz(db, RUNS, undefined, {
      before(plan: ExecutionPlan) {
        const tables = new Map<string, TableInfo>(db.tables().map((t) => [t.name, t]));
        preview = sqlitePreview(plan, (name) => tables.get(name) ?? null);
        // Without the database's schemas (planToSql(plan)), the data steps' statements are the
        // same: the plan tells how each table's rows are addressed.
        if (!plan.steps.some(isSchemaStep))
          expect(statements(sqlitePreview(plan))).toEqual(statements(preview));
        runs.length = 0;
        on = true;
      },
      after() {
        on = false;
        expectRunsAsPreviewed(
          runs.filter((r) => isPlanStatement(r.sql)),
          preview,
        );
        compared++;
      },
    });
    expect(compared).toBeGreaterThan(0);
    await db.close();
  }, 300_000);
});
