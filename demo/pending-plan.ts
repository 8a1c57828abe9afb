import { planToSql, type Database, type ExecutionPlan, type TrackedTable } from '../src/index';
import type { PendingChanges, TableChangeCounts } from './playground-types';
import { NO_MARKS, schemaMarks, type SchemaMarks } from './schema-marks';

export const NO_CHANGES: PendingChanges = { tables: [], sql: '' };

/** What the pending plan is built from, read when it is built (not when it is scheduled). */
export interface PendingSource {
  readonly db: Database | null;
  readonly loaded: ReadonlyMap<string, TrackedTable>;
  /** The table the grid shows, whose schema changes it marks. */
  readonly shown: string | null;
}

/**
 * The pending-changes panel's content and the grid's schema marks, from a plan of every loaded
 * table built once edits pause (80 ms): the plan of a large change takes a while to build.
 * `onBuilt` is told whether the marks changed (the grid redraws then).
 *
 * @example
 * ```ts
 * const pending = new PendingPlan(() => source, (marksChanged) => render(marksChanged));
 * pending.schedule(); // after an edit
 * ```
 */
export class PendingPlan {
  changes: PendingChanges = NO_CHANGES;
  marks: SchemaMarks = NO_MARKS;
  #plan: ExecutionPlan | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: () => PendingSource,
    private readonly onBuilt: (marksChanged: boolean) => void,
  ) {}

  /** Builds the plan once edits pause. */
  schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const { db, loaded, shown } = this.source();
      this.changes = this.#build(db, loaded);
      const marks = this.#plan && shown !== null ? schemaMarks(this.#plan, shown) : NO_MARKS;
      const changed = marks !== this.marks;
      this.marks = marks;
      this.onBuilt(changed);
    }, 80);
  }

  /** The marks of `table` in the plan built last (another table is shown). */
  show(table: string): void {
    this.marks = this.#plan ? schemaMarks(this.#plan, table) : NO_MARKS;
  }

  #build(db: Database | null, loaded: ReadonlyMap<string, TrackedTable>): PendingChanges {
    this.#plan = null;
    if (!db) return NO_CHANGES;
    const tables = changeCounts(loaded);
    if (!tables.length) return NO_CHANGES;
    try {
      this.#plan = db.plan();
      return { tables, sql: planToSql(this.#plan) };
    } catch (e) {
      return { tables, sql: `-- the plan cannot be built: ${(e as Error).message}` };
    }
  }
}

/** The change counts of every loaded table that has pending changes (O(1) per table). */
export function changeCounts(loaded: ReadonlyMap<string, TrackedTable>): TableChangeCounts[] {
  const tables: TableChangeCounts[] = [];
  for (const t of loaded.values()) {
    const c = t.changeCounts();
    if (c.inserts + c.updates + c.deletes + c.schema > 0) tables.push({ table: t.name, ...c });
  }
  return tables;
}
