import type { ExecutionPlan } from '../src/index';
import { formatKey } from './messages';

/** A cell a pending type change alters: what it holds, and what it will hold. */
export interface RetypedCell {
  readonly before: unknown;
  readonly after: unknown;
}

/** What the grid marks of a table's pending schema changes. */
export interface SchemaMarks {
  /** Header notes by column: "new", "renamed from city", "now INTEGER". */
  readonly columns: ReadonlyMap<string, string>;
  /** Cells a type change alters, by column, then by key (as `formatKey` writes it). */
  readonly retyped: ReadonlyMap<string, ReadonlyMap<string, RetypedCell>>;
}

export const NO_MARKS: SchemaMarks = { columns: new Map(), retyped: new Map() };

/**
 * The schema changes of `table` in a plan, as the grid marks them: added, renamed and retyped
 * columns in the header, and the cells a type change will alter (the plan's retype step lists
 * them, e.g. '01067' that becomes 1067 as INTEGER).
 *
 * @example
 * ```ts
 * const marks = schemaMarks(db.plan(), 'customers');
 * marks.columns.get('zip'); // 'now INTEGER'
 * ```
 */
export function schemaMarks(plan: ExecutionPlan, table: string): SchemaMarks {
  const columns = new Map<string, string>();
  const retyped = new Map<string, Map<string, RetypedCell>>();
  for (const step of plan.steps) {
    if (step.table !== table) continue;
    if (step.kind === 'addColumn') columns.set(step.column.name, 'new');
    else if (step.kind === 'renameColumn') {
      const earlier = columns.get(step.from);
      columns.delete(step.from);
      columns.set(step.to, earlier ?? `renamed from ${step.from}`);
    } else if (step.kind === 'retypeColumn') {
      if (columns.get(step.column) !== 'new') {
        columns.set(step.column, `now ${step.declaredType}`);
      }
      const c = step.changes;
      if (!c) continue;
      const cells = new Map<string, RetypedCell>();
      for (let i = 0; i < c.before.length; i++) {
        const key = c.keys.map((k) => k[i]);
        cells.set(formatKey(key), { before: c.before[i], after: c.after[i] });
      }
      retyped.set(step.column, cells);
    }
  }
  return columns.size || retyped.size ? { columns, retyped } : NO_MARKS;
}
