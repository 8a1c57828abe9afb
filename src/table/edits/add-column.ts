import type { Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { checkValue } from '../check-value';
import { writeColumn } from '../write-column';
import { assignColumn, type ColumnSource } from './bulk-edits';
import { addColumnState, type NewColumn } from './schema-edits';

/** A new column with optional initial values (one per row, or an expression). */
export interface AddColumnSpec extends NewColumn {
  readonly values?: ColumnSource;
}

/**
 * Adds a column as one operation, with its values when given: an expression, or one value per
 * row (checked against the column's type; of another length, `assignColumn` refuses them).
 *
 * @example
 * ```ts
 * addColumn(state, () => table.snapshot(), 'note', { type: 'TEXT', values: (d) => `#${d.id}` });
 * ```
 */
export function addColumn(
  s: TableState,
  snapshot: () => Snapshot,
  name: string,
  spec: AddColumnSpec,
): void {
  s.edit(
    'addColumn',
    () => `add column ${name}`,
    () => {
      const col = addColumnState(s, name, spec);
      if (spec.values === undefined) return;
      if (typeof spec.values === 'function') {
        assignColumn(s, snapshot(), name, spec.values);
        return;
      }
      const rows = [...s.rows()];
      const values = Array.from(spec.values as ArrayLike<unknown>, (v) => checkValue(s, col, v));
      if (values.length !== rows.length) assignColumn(s, snapshot(), name, spec.values);
      else writeColumn(s, col, rows, values);
    },
  );
}
