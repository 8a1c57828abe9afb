import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { InsertStep, UpdateStep } from '../../plan/execution-plan';
import type { ColumnInfo, TableInfo } from '../../schema/table-info';
import { decodeValue, encodeValue, normalizeValue } from '../../values/codec';
import { kindOf, type ColumnKind } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import { valuesEqual } from '../../values/values-equal';
import { applyAffinity } from './affinity';

/**
 * The check of the values a data step writes under another type than their column's declared
 * type when the step runs (a writer that did not see another's type change: text written as TEXT
 * into a column made INTEGER since), run for row `i` as its statement binds it. SQLite would
 * store such a value by the column's affinity: where that gives a value of the column's type
 * ('1e3' into INTEGER is 1000) the write goes through, as in PostgreSQL; where SQLite would keep
 * a value of another type ('abc' there, a number in a column made BLOB) the push is refused with
 * `invalid_value` naming the table, the column and the row, as PostgreSQL refuses it. Null when
 * the step writes no column under another type (the check then costs nothing).
 *
 * Values a step gives under the column's own type are stored as they are: a tracked table holds
 * values of their column's type, except those `retypeColumn(…, { invalid: 'keep' })` keeps as
 * SQLite would (README, "The same plans in PostgreSQL").
 *
 * @example
 * ```ts
 * staleValuesCheck(insertOfTextIntoInteger, info)?.(0); // throws invalid_value for 'abc'
 * ```
 */
export function staleValuesCheck(
  step: InsertStep | UpdateStep,
  info: TableInfo,
): ((i: number) => void) | null {
  const names = step.kind === 'insert' ? step.columns : step.set;
  const checked: [number, ColumnInfo, ColumnKind][] = [];
  names.forEach((name, j) => {
    const declared = step.types[j];
    const column = info.columns.find((c) => c.name === name);
    if (!declared || !column) return;
    const written = kindOf(declared);
    if (written === column.kind || written === 'any' || column.kind === 'any') return;
    checked.push([j, column, written]);
  });
  if (!checked.length) return null;
  return (i) => {
    for (const [j, column, written] of checked) {
      const value = (step.values[j]![i] ?? null) as SqlValue;
      if (value === null || holds(column, value)) continue;
      throw staleValueError(step, i, column, written, value);
    }
  };
}

/**
 * Whether a column holds `value` as a value of its type once SQLite stores it by the column's
 * affinity (sql.js binds a number that is no 32-bit integer as a REAL): read back, it is a value
 * of the column's kind that writes back as the same.
 */
function holds(column: ColumnInfo, value: SqlValue): boolean {
  const real = typeof value === 'number' && value !== (value | 0);
  const stored = applyAffinity(column.declaredType, value, real);
  try {
    const read = decodeValue(column.kind, stored);
    const v = normalizeValue(column.kind, read);
    return valuesEqual(decodeValue(column.kind, encodeValue(column.kind, v)), read);
  } catch {
    return false;
  }
}

function staleValueError(
  step: InsertStep | UpdateStep,
  i: number,
  column: ColumnInfo,
  written: ColumnKind,
  value: SqlValue,
): PandalchemyError {
  const key =
    step.kind === 'update'
      ? step.keys.map((k) => (k[i] ?? null) as SqlValue)
      : step.key.every((k) => step.columns.includes(k))
        ? step.key.map((k) => (step.values[step.columns.indexOf(k)]![i] ?? null) as SqlValue)
        : undefined;
  const shown =
    value instanceof Uint8Array
      ? `${value.length} bytes`
      : typeof value === 'string'
        ? JSON.stringify(value)
        : String(value);
  const row = key
    ? `row ${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`
    : 'a row';
  return new PandalchemyError(
    'invalid_value',
    `This push writes ${shown} as a ${written} value into column '${column.name}' of table '${step.table}' (${row}), but the column is ${column.declaredType} now: its type changed since the plan was made, and it cannot hold that value. Nothing was written: read the table again, edit it as it is now and push again.`,
    { table: step.table, column: column.name, step: step.kind, ...(key ? { key } : {}) },
  );
}
