import type { ColumnDescription } from '../src/index';

/**
 * How the grid lays out a table's columns, a choice of display only (never an edit): their order,
 * which are hidden, and how many of the shown ones stay frozen at the left while scrolling.
 */
export interface ColumnLayout {
  /** Column names in display order; columns not listed (added since) come after, in table order. */
  readonly order: readonly string[];
  readonly hidden: ReadonlySet<string>;
  readonly frozen: number;
}

export const DEFAULT_LAYOUT: ColumnLayout = { order: [], hidden: new Set(), frozen: 0 };

/** Every column of the table in display order, hidden ones included. */
export function orderedColumns<C extends Pick<ColumnDescription, 'name'>>(
  columns: readonly C[],
  layout: ColumnLayout,
): C[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const out: C[] = [];
  for (const name of layout.order) {
    const c = byName.get(name);
    if (c) {
      out.push(c);
      byName.delete(name);
    }
  }
  return [...out, ...byName.values()];
}

/** The columns the grid shows, in order. */
export function shownColumns<C extends Pick<ColumnDescription, 'name'>>(
  columns: readonly C[],
  layout: ColumnLayout,
): C[] {
  return orderedColumns(columns, layout).filter((c) => !layout.hidden.has(c.name));
}

/** The layout with the shown column at `from` moved to `to` (positions among shown columns). */
export function moveShown(
  columns: readonly Pick<ColumnDescription, 'name'>[],
  layout: ColumnLayout,
  from: number,
  to: number,
): ColumnLayout {
  const all = orderedColumns(columns, layout).map((c) => c.name);
  const shown = all.filter((n) => !layout.hidden.has(n));
  const moving = shown[from];
  const target = shown[to];
  if (moving === undefined || target === undefined || from === to) return layout;
  const without = all.filter((n) => n !== moving);
  const at = without.indexOf(target) + (to > from ? 1 : 0);
  without.splice(at, 0, moving);
  return { ...layout, order: without };
}

/** The layout after a column was renamed. */
export function renameInLayout(layout: ColumnLayout, from: string, to: string): ColumnLayout {
  const hidden = new Set([...layout.hidden].map((n) => (n === from ? to : n)));
  return { ...layout, order: layout.order.map((n) => (n === from ? to : n)), hidden };
}
