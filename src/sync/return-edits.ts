import type { DatabaseTable } from '../db/database-table';
import type { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnValues, DataStep, ExecutionPlan } from '../plan/execution-plan';
import type { RebaseConflict } from '../table/rebase';
import { decodeValue } from '../values/codec';
import type { CellValue, RowObject, SqlValue } from '../values/sql-value';
import { setField } from '../values/set-field';

/**
 * Puts a refused push's edits of `table` back as pending edits (inserts, updates of the columns
 * the plan set, deletes), in plan order, on top of the server's rows the table now holds. Returns
 * what is contested: rows the server's error names (kept: the user decides) and edits that could
 * not be returned (not kept: their row is gone, or a key is taken).
 */
export function returnEdits(
  table: DatabaseTable,
  plan: ExecutionPlan,
  error: PandalchemyError,
): RebaseConflict[] {
  const named = namedKeys(table.name, error);
  const conflicts: RebaseConflict[] = [];
  const decode = (column: string, v: SqlValue | undefined): CellValue => {
    const kind = table.info.columns.find((c) => c.name === column)?.kind ?? 'any';
    return decodeValue(kind, v ?? null);
  };
  const keyAt = (names: readonly string[], keys: readonly ColumnValues[], i: number) => ({
    stored: keys.map((k) => k[i] ?? null),
    cells: names.map((n, c) => decode(n, keys[c]![i])),
  });
  for (const step of plan.steps) {
    if (step.table !== table.name || !isData(step)) continue;
    for (let i = 0; i < step.count; i++) {
      if (step.kind === 'insert') {
        const local: Record<string, CellValue> = {};
        step.columns.forEach((c, j) => setField(local, c, decode(c, step.values[j]![i])));
        const key = table.key.map((k) => local[k] ?? null);
        const remote = table.has(key) ? (table.row(key) ?? null) : null;
        const ok = attempt(() => table.insert(local));
        if (!ok || named.has(storedText(key)))
          conflicts.push(conflict(table.name, 'insert', key, step.columns, local, remote, ok));
        continue;
      }
      const { stored, cells: key } = keyAt(step.key, step.keys, i);
      const current = table.has(key) ? (table.row(key) ?? null) : null;
      if (step.kind === 'delete') {
        if (!current) continue; // Gone on the server as well: nothing contested.
        const ok = attempt(() => table.delete([key]));
        if (!ok || named.has(storedText(stored)))
          conflicts.push(conflict(table.name, 'delete', key, [], null, current, ok));
        continue;
      }
      const local: Record<string, CellValue> = {};
      step.set.forEach((c, j) => setField(local, c, decode(c, step.values[j]![i])));
      const ok = current !== null && attempt(() => table.update(key, local));
      if (!ok || named.has(storedText(stored))) {
        const remote = current && pick(current, step.set);
        conflicts.push(conflict(table.name, 'update', key, step.set, local, remote, ok));
      }
    }
  }
  return conflicts;
}

function isData(step: ExecutionPlan['steps'][number]): step is DataStep {
  return step.kind === 'insert' || step.kind === 'update' || step.kind === 'delete';
}

function attempt(edit: () => unknown): boolean {
  try {
    edit();
    return true;
  } catch {
    return false;
  }
}

function conflict(
  table: string,
  type: RebaseConflict['type'],
  key: readonly CellValue[],
  columns: readonly string[],
  local: RowObject | null,
  remote: RowObject | null,
  kept: boolean,
): RebaseConflict {
  return { table, type, key, columns, local, remote, kept };
}

function pick(row: RowObject, columns: readonly string[]): RowObject {
  const out: Record<string, CellValue> = {};
  for (const c of columns) setField(out, c, row[c] ?? null);
  return out;
}

/** The keys (stored form) of `table`'s rows the server's error names. */
function namedKeys(table: string, error: PandalchemyError): Set<string> {
  const out = new Set<string>();
  const details = (error as { conflicts?: readonly { table: string; key: readonly unknown[] }[] })
    .conflicts;
  for (const c of details ?? []) if (c.table === table) out.add(storedText(c.key));
  if (error.table === table && error.key) out.add(storedText(error.key));
  return out;
}

/** A key's identity across stored and decoded forms of integers and text. */
function storedText(key: readonly unknown[]): string {
  return key
    .map((v) =>
      typeof v === 'bigint' || typeof v === 'number'
        ? `n:${String(v)}`
        : `${typeof v}:${String(v)}`,
    )
    .join('\u0000');
}
