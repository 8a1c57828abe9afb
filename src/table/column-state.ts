import type { ColumnDefault } from '../plan/execution-plan';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue } from '../values/sql-value';
import type { ColumnArray } from './row-store';

/**
 * A column of a tracked table as it stands with the pending edits: where its values come from and
 * what was changed. Values of a stored row resolve as: `cells` (single edits), else `dense` (a whole
 * column assigned), else `base` (values converted by a type change), else the store (or `added.fill`
 * for a column added in this push).
 */
export interface ColumnState {
  /** Stable identity: survives renames, used to index inserted rows' values. */
  readonly id: number;
  name: string;
  declaredType: string;
  kind: ColumnKind;
  notNull: boolean;
  /** The schema's DEFAULT expression (for columns loaded from the database). */
  readonly defaultSql: string | null;
  /** Position of the column in the store, or -1 for a column added since the last push. */
  readonly origin: number;
  /**
   * The value an inserted row shows for this column until the push when it gives none: the
   * default when it is a constant, else NULL (the database decides).
   */
  fill: CellValue;
  /** Set for columns added since the last push. */
  readonly added: AddedColumn | null;
  /** Values of stored rows edited one by one, by store row. */
  cells: Map<number, CellValue>;
  /** Values of all stored rows, when the whole column was assigned (index: store row). */
  dense: ColumnArray | null;
  /** Stored values converted to a new type, when the column's type changed (index: store row). */
  base: CellValue[] | null;
  dropped: boolean;
}

/** What a column added since the last push was declared with. */
export interface AddedColumn {
  readonly default: ColumnDefault | null;
  /** The value existing rows take: the default's value, or NULL. */
  readonly fill: CellValue;
}
