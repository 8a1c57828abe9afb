import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { trackedTable } from '../../src/index';
import { Database } from '../../src/db/database';
import type { Engine } from '../../src/db/database-state';
import { sqlitePreview, type SqlitePreviewLine } from '../../src/dialect/sqlite/sqlite-preview';
import { EngineCore } from '../../src/engine/engine-core';
import { soleCoordinator } from '../../src/engine/storage';
import { isSchemaStep, type ExecutionPlan } from '../../src/plan/execution-plan';
import type { TableInfo } from '../../src/schema/table-info';
import { loadSql, MemoryStorage } from '../support/memory-storage';
import { createFuzzTables, planFuzz } from '../support/plan-fuzz';
import { isPlanStatement, recordingSqlJs, type Run } from '../support/recording-sql';

const RUNS = Number(process.env['PREVIEW_RUNS'] ?? 120);
const SEED = process.env['PREVIEW_SEED'] ? Number(process.env['PREVIEW_SEED']) : undefined;

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
    await planFuzz(db, RUNS, SEED, {
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

describe('planToSql after a type change in the same plan', () => {
  it('shows a value written under the new type, not as a stale write (draft round-trip seed -1610294406)', () => {
    const t = trackedTable(aq.table({ id: [1, 2], n: [10, 20] }), { name: 'items', key: 'id' });
    t.retypeColumn('n', 'TEXT');
    t.set(1, 'n', 'x');
    expect(t.toSql()).toContain(`UPDATE "items" SET "n" = 'x' WHERE "id" = 1;`);
  });
});
