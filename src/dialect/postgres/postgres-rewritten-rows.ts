import type { ColumnValues, ExecutionPlan } from '../../plan/execution-plan';
import { isSchemaStep } from '../../plan/execution-plan';
import { keyTokens, type KeyToken } from '../../values/key-hash';
import type { SqlValue } from '../../values/sql-value';

/** Rows of a retyped column that the rest of the plan writes again or deletes. */
export interface RewrittenRows {
  /** Their keys as the type change finds them, one list per key column. */
  readonly keys: readonly ColumnValues[];
  /** The column's name when the plan's data steps run (after its renames). */
  readonly column: string;
}

/**
 * The rows whose value in a retyped column the rest of the plan replaces or deletes, or null when
 * the plan neither writes nor deletes any (or drops the column or the table after all).
 *
 * A type change runs before the plan's data steps, so SQLite converts every stored value,
 * including those its updates then replace (the values `retypeColumn(…, { invalid: 'null' })`
 * sets to NULL) and those of rows it deletes, and keeps whatever does not convert until then.
 * PostgreSQL cannot keep such a value even for that long; what happens to these rows' values
 * before the data steps write them is never seen, so they may take NULL first.
 *
 * Rows are followed through the data steps' key moves, so that a row is named by the key it has
 * when the type changes; a row the plan inserts is none of them.
 *
 * @example
 * ```ts
 * rewrittenRows(plan, 0, ['id']) // { keys: [[1, 4]], column: 'x' }: rows 1 and 4 get another x, or go
 * ```
 */
export function rewrittenRows(
  plan: ExecutionPlan,
  at: number,
  key: readonly string[],
): RewrittenRows | null {
  const retype = plan.steps[at];
  if (retype?.kind !== 'retypeColumn') return null;
  const table = retype.table;
  // The column's name when the data steps run (schema steps all run first).
  let column = retype.column;
  let keyNames = [...key];
  for (const step of plan.steps.slice(at + 1)) {
    if (!isSchemaStep(step) || step.table !== table) continue;
    if (step.kind === 'dropTable' || (step.kind === 'dropColumn' && step.column === column))
      return null;
    if (step.kind === 'renameColumn') {
      if (step.from === column) column = step.to;
      keyNames = keyNames.map((k) => (k === step.from ? step.to : k));
    }
  }
  // Each key a row holds now, mapped to the key it held at the type change (NEW for a row the
  // plan inserted). A key not in the map is the row's own.
  const NEW = Symbol('new');
  const origin = new Map<KeyToken, readonly SqlValue[] | typeof NEW>();
  const originOf = (k: readonly SqlValue[]): readonly SqlValue[] | typeof NEW =>
    origin.get(keyTokens(k)) ?? k;
  const marked = new Map<KeyToken, readonly SqlValue[]>();
  const mark = (o: readonly SqlValue[] | typeof NEW): void => {
    if (o !== NEW) marked.set(keyTokens(o), o);
  };
  const row = (columns: readonly ColumnValues[], i: number): SqlValue[] =>
    columns.map((c) => (c[i] ?? null) as SqlValue);
  for (const step of plan.steps) {
    if (isSchemaStep(step) || step.table !== table) continue;
    // A step naming other key columns is refused by the push; nothing to follow.
    if (step.key.length !== keyNames.length || step.key.some((k, j) => k !== keyNames[j])) break;
    switch (step.kind) {
      case 'delete':
        for (let i = 0; i < step.count; i++) mark(originOf(row(step.keys, i)));
        break;
      case 'insert': {
        const at = step.key.map((k) => step.columns.indexOf(k));
        if (at.some((j) => j < 0)) break;
        for (let i = 0; i < step.count; i++)
          origin.set(keyTokens(at.map((j) => (step.values[j]![i] ?? null) as SqlValue)), NEW);
        break;
      }
      case 'update': {
        const writes = step.set.includes(column);
        const sets = step.key.map((k) => step.set.indexOf(k));
        const moves: [readonly SqlValue[], readonly SqlValue[] | typeof NEW][] = [];
        for (let i = 0; i < step.count; i++) {
          const before = row(step.keys, i);
          const o = originOf(before);
          if (writes) mark(o);
          if (sets.every((j) => j < 0)) continue;
          const after = sets.map((j, k) => (j >= 0 ? (step.values[j]![i] ?? null) : before[k]!));
          moves.push([before, o], [after, o]);
        }
        // Every moved row leaves its key, then takes its new one (a swap included).
        for (let m = 0; m < moves.length; m += 2) origin.set(keyTokens(moves[m]![0]), NEW);
        for (let m = 0; m < moves.length; m += 2)
          origin.set(keyTokens(moves[m + 1]![0]), moves[m]![1]);
        break;
      }
    }
  }
  return marked.size ? { keys: columnsOf([...marked.values()], key.length), column } : null;
}

function columnsOf(rows: readonly (readonly SqlValue[])[], width: number): SqlValue[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c] ?? null));
}
