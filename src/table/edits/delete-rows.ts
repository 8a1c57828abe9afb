import type { ColumnTable } from 'arquero';
import { toKeyList, requireRow, type KeyInput } from '../key-input';
import { rowAt, scanPositions, type Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { checkPredicate, runExpression } from './run-expression';

/** An Arquero table expression selecting rows, e.g. `d => d.age > 30` or `'d.age > 30'`. */
export type RowPredicate = Parameters<ColumnTable['filter']>[0];

/** Deletes rows by key as one operation; every key must exist. */
export function deleteRows(state: TableState, keys: KeyInput | readonly KeyInput[]): void {
  const list = toKeyList(state, keys);
  const rows = list.map((k) => requireRow(state, k));
  state.edit(
    'delete',
    () => `delete ${rows.length} row(s)`,
    () => {
      for (const row of new Set(rows)) state.remove(row);
    },
  );
}

/** Rows of a snapshot (in table order) where an Arquero predicate holds. */
export function rowsWhere(
  state: TableState,
  snapshot: Snapshot,
  predicate: RowPredicate,
): number[] {
  const matched = filterRows(state, snapshot, predicate);
  const rows: number[] = [];
  scanPositions(matched, (p) => rows.push(rowAt(snapshot, p)));
  return rows;
}

/** The view of a snapshot where a predicate holds; a predicate that cannot run is a typed error. */
export function filterRows(
  state: TableState,
  snapshot: Snapshot,
  predicate: RowPredicate,
): ColumnTable {
  checkPredicate(state, predicate);
  return runExpression(state, 'The row condition', () => snapshot.table.filter(predicate));
}

/** A predicate for messages: string expressions as written, functions as 'a condition'. */
export function describePredicate(predicate: RowPredicate): string {
  return typeof predicate === 'string' ? predicate : 'a condition';
}

/** Deletes the rows where a predicate holds; returns how many. */
export function deleteWhere(
  state: TableState,
  snapshot: Snapshot,
  predicate: RowPredicate,
): number {
  const rows = rowsWhere(state, snapshot, predicate);
  state.edit(
    'deleteWhere',
    () => `delete ${rows.length} row(s) where ${describePredicate(predicate)}`,
    () => {
      for (const row of rows) state.remove(row);
    },
  );
  return rows.length;
}
