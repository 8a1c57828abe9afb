import { quoteIdentifier, type Database, type TrackedTable } from '../src/index';
import { formatCell } from './format-cell';
import type { ReferenceChoice } from './playground-types';

/** Rows a foreign-key picker offers. */
const CHOICES = 1000;

/**
 * Rows of `table` a foreign key to its `column` can point at (the first 1,000), with a label:
 * from the loaded table (pending inserts included), else from the committed database.
 */
export async function referenceChoices(
  db: Database,
  loaded: ReadonlyMap<string, TrackedTable>,
  table: string,
  column: string,
): Promise<ReferenceChoice[]> {
  const info = db.tables().find((t) => t.name === table);
  if (!info) return [];
  const labelColumn = info.columns.find(
    (c) => c.kind === 'text' && c.name !== column && c.primaryKey === 0,
  )?.name;
  const text = (v: unknown) => (v === null || v === undefined ? '' : formatCell(v as never, 'any'));
  try {
    const t = loaded.get(table);
    if (t) {
      const out: ReferenceChoice[] = [];
      for (const ref of t.rowRefs().subarray(0, CHOICES)) {
        const value = text(t.valueAt(ref, column));
        if (value !== '')
          out.push({ value, label: labelColumn ? text(t.valueAt(ref, labelColumn)) : '' });
      }
      return out;
    }
    const label = labelColumn ? quoteIdentifier(labelColumn) : "''";
    const rows = await db.query(
      `SELECT ${quoteIdentifier(column)} AS v, ${label} AS l FROM ${quoteIdentifier(table)} ORDER BY 1 LIMIT ${CHOICES}`,
    );
    return (rows.objects() as Record<string, unknown>[]).map((r) => ({
      value: text(r['v']),
      label: text(r['l']),
    }));
  } catch {
    // Choices are a convenience: the field still takes a typed value.
    return [];
  }
}
