import { quoteIdentifier, type Database, type TrackedTable } from '../src/index';
import { formatCell } from './format-cell';
import { formatKey } from './messages';

/** Rows of another table that reference rows about to be deleted, through one foreign key. */
export interface Referencing {
  readonly table: string;
  readonly column: string;
  /** The referenced values of the rows to delete (as typed in a filter). */
  readonly values: readonly string[];
  readonly count: number;
  readonly onDelete: string;
}

/**
 * The rows of other tables that reference rows `refs` of `t` through a one-column foreign key,
 * counted per key: the tables loaded in `loaded` with their pending edits, the others as stored.
 */
export async function referencingRows(
  db: Database,
  loaded: ReadonlyMap<string, TrackedTable>,
  t: TrackedTable,
  refs: readonly number[],
): Promise<Referencing[]> {
  const out: Referencing[] = [];
  for (const child of db.tables()) {
    for (const fk of child.foreignKeys) {
      if (fk.table !== t.name || fk.columns.length !== 1) continue;
      const column = fk.columns[0]!;
      const parentColumn = fk.to[0] ?? t.key[0];
      if (parentColumn === undefined) continue;
      const values = new Map<string, unknown>();
      for (const ref of refs) {
        const v = t.valueAt(ref, parentColumn);
        if (v !== null) values.set(formatKey([v]), v);
      }
      if (!values.size) continue;
      const wanted = [...values.values()];
      const count = await countReferencing(db, loaded.get(child.name), child.name, column, wanted);
      if (count > 0)
        out.push({
          table: child.name,
          column,
          values: wanted.map((v) => formatCell(v as never, 'any')),
          count,
          onDelete: fk.onDelete,
        });
    }
  }
  return out;
}

/** Rows of `table` whose `column` holds one of `values`: pending edits included if loaded. */
async function countReferencing(
  db: Database,
  loaded: TrackedTable | undefined,
  table: string,
  column: string,
  values: unknown[],
): Promise<number> {
  if (loaded) {
    const wanted = new Set(values.map((v) => formatKey([v])));
    let n = 0;
    for (const ref of loaded.rowRefs())
      if (wanted.has(formatKey([loaded.valueAt(ref, column)]))) n++;
    return n;
  }
  let n = 0;
  // A few hundred parameters per query, well under SQLite's limit.
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const r = await db.query(
      `SELECT count(*) AS n FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(column)} IN (${chunk.map(() => '?').join(', ')})`,
      chunk as never,
    );
    n += Number(r.get('n', 0));
  }
  return n;
}
