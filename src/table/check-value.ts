import { PandalchemyError } from '../errors/pandalchemy-error';
import { fastCanonical, normalizeValue } from '../values/codec';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import type { TableState } from './table-state';
import { valuesEqual } from '../values/values-equal';

/**
 * A value checked for a column: canonical for its kind, and not NULL where the column is NOT NULL
 * (a key of a row being inserted may be NULL when the database assigns it).
 */
export function checkValue(
  state: TableState,
  col: ColumnState,
  value: unknown,
  inserting = false,
): CellValue {
  if (value !== null && value !== undefined) {
    const fast = fastCanonical(col.kind, value);
    if (fast !== undefined) return fast;
  }
  const v = normalizeValue(col.kind, value, { table: state.name, column: col.name });
  if (v === null) {
    const isKey = state.isKeyColumn(col);
    if (isKey && !(inserting && state.autoKey)) {
      throw new PandalchemyError(
        'null_key',
        `Key column '${col.name}' of table '${state.name}' cannot be NULL: give a key value.`,
        {
          table: state.name,
          column: col.name,
        },
      );
    }
    if (col.notNull && !isKey) {
      throw new PandalchemyError(
        'not_null',
        `Column '${col.name}' of table '${state.name}' is NOT NULL: give it a value.`,
        { table: state.name, column: col.name },
      );
    }
  }
  return v;
}

/**
 * {@link checkValue} for a write to the cell of live row `row`: a value the column's type refuses
 * but that the cell holds now (SQLite took it, say 2 in a BOOLEAN column or 'abc' in an INTEGER
 * one, and it was read back and written again) is the cell's value, unchanged. A cell set to its
 * current value is no change, whatever the value.
 */
export function checkCellValue(
  state: TableState,
  row: number,
  col: ColumnState,
  value: unknown,
): CellValue {
  try {
    return checkValue(state, col, value, row < 0);
  } catch (e) {
    if (!(e instanceof PandalchemyError) || e.code !== 'invalid_value' || !state.isLive(row))
      throw e;
    const now = state.value(row, col);
    if (valuesEqual(now, value as CellValue)) return now;
    throw e;
  }
}
