import { PandalchemyError } from '../errors/pandalchemy-error';
import { fastCanonical, normalizeValue } from '../values/codec';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import type { TableState } from './table-state';

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
