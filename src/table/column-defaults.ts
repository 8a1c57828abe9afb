import { isConstantDefault } from '../dialect/sqlite/sqlite-default-value';
import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';

/**
 * Whether an inserted row's cell left to the column's default already holds `value`: the
 * default is a constant equal to it. An expression's value (CURRENT_TIMESTAMP) only the database
 * knows, so writing any value there is a change.
 */
export function unsetShows(col: ColumnState, value: CellValue): boolean {
  return isConstantDefault(col.defaultSql, col.kind) && valuesEqual(col.fill, value);
}

/** Whether the column's default is known before the database writes it: none, or a constant. */
export function hasConstantDefault(col: ColumnState): boolean {
  return col.defaultSql === null || isConstantDefault(col.defaultSql, col.kind);
}
