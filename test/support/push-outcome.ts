import { expect } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { rowidName } from '../../src/dialect/sqlite/sqlite-rowid';
import { findTable } from '../../src/engine/introspect';
import { readColumns } from '../../src/engine/read-table';
import { selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import type { TableEffect } from '../../src/protocol/engine-api';
import type { SqlValue } from '../../src/values/sql-value';
import { canonicalEffect } from './effects';

/** Every row of `table` by rowid, in the column order of its effects. */
export function imagesOf(db: SqlDatabase, table: string): Map<SqlValue, SqlValue[]> {
  const info = findTable(db, table)!;
  const rows = selectRows(
    db,
    `SELECT ${rowidName(info)}, ${readColumns(info).sql.join(', ')} FROM ${table}`,
  );
  return new Map(rows.map(([rowid, ...row]) => [rowid!, row]));
}

/**
 * What applying `plan` reports (effects in their canonical form, see `canonicalEffect`, or the
 * error code) and the rows it leaves; closes `db`. `alwaysLog`: the change log reports the rows
 * (the way to compare the steps' own reports with).
 */
export function outcomeOf(
  db: SqlDatabase,
  table: string,
  plan: ExecutionPlan,
  alwaysLog: boolean,
): { outcome: unknown; rows: SqlValue[][] } {
  let outcome: unknown;
  const before = imagesOf(db, table);
  let effects: TableEffect[] = [];
  try {
    effects = applyPlan(db, plan, { conflict: 'overwrite', alwaysLog }).effects;
  } catch (err) {
    outcome = { error: (err as { code?: string }).code };
  }
  if (!outcome) {
    if (alwaysLog) expect(effects.every((e) => !e.patches?.length)).toBe(true);
    // Both ways share the code that builds effects: each upsert must also be the row as stored.
    const after = imagesOf(db, table);
    for (const { upserts } of effects)
      for (let i = 0; i < (upserts.rowids?.length ?? 0); i++)
        expect(upserts.values.map((c) => c[i] ?? null)).toEqual(after.get(upserts.rowids![i]!));
    outcome = effects.map((e) => canonicalEffect(e, before));
  }
  const rows = selectRows(db, `SELECT rowid, * FROM ${table} ORDER BY rowid`);
  db.close();
  return { outcome, rows };
}
