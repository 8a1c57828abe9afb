import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../../errors/pandalchemy-error';
import { describeValue } from '../../values/codec';
import { inferDeclaredType } from '../../values/infer-type';
import type { CellValue } from '../../values/sql-value';
import { checkCellValue, checkValue } from '../check-value';
import type { ColumnState } from '../column-state';
import { toKey } from '../key-input';
import { rowAt, scanPositions, type Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { writeColumn } from '../write-column';
import { describePredicate, filterRows, rowsWhere, type RowPredicate } from './delete-rows';
import { runExpression } from './run-expression';
import { insertValues, rowValues, type RowInput } from './insert-rows';
import { addColumnState } from './schema-edits';
import { checkColumnValues } from './set-cell';

/** An Arquero table expression computing a value per row, e.g. `d => d.price * 1.1`. */
export type RowExpression = Parameters<ColumnTable['derive']>[0][string];

/** A column's new values: one per row in table order, or an expression evaluated per row. */
export type ColumnSource = readonly unknown[] | Float64Array | RowExpression;

function isExpression(source: unknown): source is RowExpression {
  return typeof source === 'function';
}

/** Values of `source` for the rows at `positions` of `table` (a snapshot or a filtered view of it). */
function evaluate(
  state: TableState,
  snapshot: Snapshot,
  view: ColumnTable,
  name: string,
  source: RowExpression,
): { rows: number[]; values: unknown[] } {
  const derived = runExpression(state, `The expression for column '${name}'`, () =>
    view.derive({ [name]: source }),
  );
  const col = derived.column(name)!;
  const rows: number[] = [];
  const values: unknown[] = [];
  scanPositions(derived, (p) => {
    rows.push(rowAt(snapshot, p));
    values.push(col.at(p));
  });
  return { rows, values };
}

/**
 * Assigns a whole column: values in table order, or an expression. A column that does not exist
 * is added, its type inferred from the values.
 */
export function assignColumn(
  state: TableState,
  snapshot: Snapshot,
  name: string,
  source: ColumnSource,
): void {
  let rows: number[];
  let values: ArrayLike<unknown>;
  if (isExpression(source)) {
    ({ rows, values } = evaluate(state, snapshot, snapshot.table, name, source));
  } else {
    const given = source as ArrayLike<unknown>;
    if (typeof given !== 'object' || given === null || typeof given.length !== 'number') {
      throw new PandalchemyError(
        'invalid_argument',
        `assign() takes one value per row (an array or typed array, in row order) or an Arquero expression such as d => d.price * 1.1; got ${describeValue(source)}.`,
        { table: state.name, column: name },
      );
    }
    rows = [...state.rows()];
    if (given.length !== rows.length) {
      throw new PandalchemyError(
        'invalid_argument',
        `Column '${name}' needs ${rows.length} value(s), one per row; got ${given.length}. Pass exactly one value per row, in row order.`,
        { table: state.name, column: name },
      );
    }
    values = given;
  }
  state.edit(
    'assign',
    () => `assign column ${name}`,
    () => {
      const col: ColumnState = state.hasColumn(name)
        ? state.column(name)
        : addColumnState(state, name, { type: inferDeclaredType(Array.from(values), name) });
      // An inserted row's key may stay NULL where the database assigns it.
      const checked = Array.from(values, (v, i) => checkValue(state, col, v, rows[i]! < 0));
      writeColumn(state, col, rows, checked);
    },
  );
}

/**
 * Sets columns of the rows where a predicate holds. Each value is a constant, or an expression
 * (a function) evaluated per matching row.
 */
export function updateWhere(
  state: TableState,
  snapshot: Snapshot,
  predicate: RowPredicate,
  values: Readonly<Record<string, unknown>>,
): number {
  checkColumnValues(state, values, 'updateWhere()');
  const view = filterRows(state, snapshot, predicate);
  const rows = rowsWhere(state, snapshot, predicate);
  state.edit(
    'updateWhere',
    () => `update ${rows.length} row(s) where ${describePredicate(predicate)}`,
    () => {
      for (const [name, source] of Object.entries(values)) {
        const col = state.column(name);
        const raw = isExpression(source)
          ? evaluate(state, snapshot, view, name, source).values
          : rows.map(() => source);
        writeColumn(
          state,
          col,
          rows,
          raw.map((v) => checkValue(state, col, v)),
        );
      }
    },
  );
  return rows.length;
}

/**
 * Inserts rows whose key is new and updates the given columns of rows whose key exists, as one
 * operation. Returns how many rows were inserted and updated.
 */
export function upsertRows(
  state: TableState,
  rows: readonly RowInput[],
): { inserted: number; updated: number } {
  let inserted = 0;
  let updated = 0;
  state.edit(
    'upsert',
    () => `upsert ${rows.length} row(s)`,
    () => {
      for (const row of rows) {
        const keyGiven = state.keyColumns.every(
          (c) => row[c.name] !== undefined && row[c.name] !== null,
        );
        const existing = keyGiven
          ? state.find(toKey(state, state.keyColumns.map((c) => row[c.name]) as CellValue[]))
          : undefined;
        if (existing === undefined) {
          insertValues(state, rowValues(state, row));
          inserted++;
          continue;
        }
        for (const [name, value] of Object.entries(row)) {
          const col = state.column(name);
          if (!state.isKeyColumn(col))
            state.write(existing, col, checkCellValue(state, existing, col, value));
        }
        updated++;
      }
    },
  );
  return { inserted, updated };
}
