import * as aq from 'arquero';
import type { ColumnKind, TrackedTable } from '../src/index';
import { formatCell } from './format-cell';

/** How the grid shows a table: sorted and filtered as a view, never as an edit. */
export interface ViewSpec {
  readonly sort: { readonly column: string; readonly descending: boolean } | null;
  /** Rows whose cell, as shown, contains `text` (case-insensitive). */
  readonly filter: { readonly column: string; readonly text: string } | null;
}

export const PLAIN_VIEW: ViewSpec = { sort: null, filter: null };

/**
 * The row references the grid shows, in display order. Without sort or filter: every row in table
 * order, deleted ones included so that they show struck through. With them: an Arquero view of
 * the current snapshot (deleted rows are not part of it), mapped back to row references, so the
 * grid keeps reading cells by reference and never materialises row objects.
 *
 * @example
 * ```ts
 * const refs = viewRefs(orders, { sort: { column: 'total', descending: true }, filter: null });
 * orders.valueAt(refs[0], 'total'); // the largest total
 * ```
 */
export function viewRefs(table: TrackedTable, spec: ViewSpec): Int32Array {
  const columns = new Map(table.columns.map((c) => [c.name, c.kind]));
  const sort = spec.sort && columns.has(spec.sort.column) ? spec.sort : null;
  const filter = spec.filter && columns.has(spec.filter.column) ? spec.filter : null;
  if (!sort && !filter) return table.rowRefs({ includeDeleted: true });
  let view = table.table();
  if (filter) {
    const name = filter.column;
    const kind: ColumnKind = columns.get(name)!;
    const needle = filter.text.toLowerCase();
    view = view.filter(
      aq.escape((d: Record<string, unknown>) =>
        formatCell(d[name] as never, kind)
          .toLowerCase()
          .includes(needle),
      ),
    );
  }
  if (sort) view = view.orderby(sort.descending ? aq.desc(sort.column) : sort.column);
  return table.refsOf(view);
}
