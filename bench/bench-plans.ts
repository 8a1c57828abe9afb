import type { ExecutionPlan } from '../src/plan/execution-plan';
import type { ColumnValues } from '../src/plan/execution-plan';
import type { TableInfo } from '../src/schema/table-info';
import { TrackedTable } from '../src/table/tracked-table';
import type { CellValue } from '../src/values/sql-value';
import { keyAt, keyColumns, newRow, scatteredRow, shapeData, type KeyShape } from './key-shapes';

/** The edits of the mixed cases: `n` scattered updates, `n` scattered deletes, `n` inserts. */
export function mixedEdits(
  t: TrackedTable,
  shape: KeyShape,
  rows: number,
  n: number,
  round = 0,
): void {
  // Round r takes its rows from its own range of k, so that rounds never meet.
  const k0 = round * 2 * n;
  for (let i = 0; i < n; i++) t.set(keyAt(shape, scatteredRow(rows, k0 + i)), 'qty', -i - round);
  t.delete(Array.from({ length: n }, (_, i) => keyAt(shape, scatteredRow(rows, k0 + n + i))));
  t.insert(Array.from({ length: n }, (_, i) => newRow(shape, rows, round * n + i)));
}

/** The plan of the mixed edits on a shape's table (built once per case). */
export function mixedPlan(
  info: TableInfo,
  shape: KeyShape,
  rows: number,
  n: number,
): ExecutionPlan {
  const t = new TrackedTable(info, shapeData(shape, rows));
  mixedEdits(t, shape, rows, n);
  return t.plan();
}

/** An unguarded plan setting `column` of the rows with keys `keys` to `value(i)`. */
export function updatePlan(
  shape: KeyShape,
  keys: readonly CellValue[][],
  column: string,
  value: (i: number) => number | string,
): ExecutionPlan {
  const key = keyColumns(shape).map(([n]) => n);
  const keyTypes = keyColumns(shape).map(([, t]) => t);
  return {
    version: 2,
    steps: [
      {
        kind: 'update',
        table: 'bench',
        key,
        keyTypes,
        keys: key.map((_, k) => keys.map((row) => row[k]!) as ColumnValues),
        set: [column],
        types: [''],
        values: [keys.map((_, i) => value(i))],
        count: keys.length,
        guard: null,
      },
    ],
  };
}

/**
 * Another writer's commit between reading the table and pushing: a new city for 100 rows, half
 * of them rows the mixed plan updates (whose guard, on qty, still holds), half rows it leaves
 * alone.
 */
export function otherWriter(shape: KeyShape, rows: number, n: number): ExecutionPlan {
  const touched = Math.min(50, n);
  const keys = [
    // Rows the plan updates (k < n), spread over them.
    ...Array.from({ length: touched }, (_, i) =>
      keyAt(shape, scatteredRow(rows, Math.floor((i * n) / touched))),
    ),
    // Past the mixed plan's updates and deletes (k < 2n).
    ...Array.from({ length: 50 }, (_, i) => keyAt(shape, scatteredRow(rows, 2 * n + i))),
  ];
  return updatePlan(shape, keys, 'city', (i) => `moved ${i}`);
}
