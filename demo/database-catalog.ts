import { quoteIdentifier, type Database, type TrackedTable } from '../src/index';

/** An index of the database (made by CREATE INDEX or UNIQUE), as the sidebar lists it. */
export interface IndexEntry {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

const SAMPLE_ORDER = ['customers', 'orders', 'stock'];

/** What the sidebar lists of the database: tables (with row counts), views and indexes. */
export class DatabaseCatalog {
  tableNames: readonly string[] = [];
  /** Rows per table, when known. */
  rowCounts: ReadonlyMap<string, number> = new Map();
  indexes: readonly IndexEntry[] = [];
  views: readonly string[] = [];

  /** Reads the lists again; loaded tables count their rows (pending edits included). */
  async read(db: Database, loaded: ReadonlyMap<string, TrackedTable>): Promise<void> {
    this.tableNames = [...db.tableNames()].sort(
      (a, b) => sampleOrder(a) - sampleOrder(b) || a.localeCompare(b),
    );
    const counts = new Map<string, number>();
    for (const name of this.tableNames) {
      const t = loaded.get(name);
      if (t) {
        counts.set(name, t.numRows);
        continue;
      }
      try {
        const r = await db.query(`SELECT count(*) AS n FROM ${quoteIdentifier(name)}`);
        counts.set(name, Number(r.get('n', 0)));
      } catch {
        // Counts are a convenience: a table that cannot be counted shows none.
      }
    }
    this.rowCounts = counts;
    this.indexes = db
      .tables()
      .flatMap((t) =>
        t.indexes
          .filter((i) => i.origin !== 'pk')
          .map((i) => ({ name: i.name, table: t.name, columns: i.columns, unique: i.unique })),
      );
    try {
      const views = await db.query(
        "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name",
      );
      this.views = Array.from(views.array('name') as ArrayLike<unknown>, String);
    } catch {
      this.views = [];
    }
  }

  /** A table's row count changed (an edit); a new map, so that the sidebar re-renders. */
  countRows(name: string, n: number): void {
    if (this.rowCounts.get(name) === n) return;
    this.rowCounts = new Map(this.rowCounts).set(name, n);
  }
}

/** The sample tables first, in the order they tell their story; the rest by name. */
function sampleOrder(name: string): number {
  const i = SAMPLE_ORDER.indexOf(name);
  return i < 0 ? SAMPLE_ORDER.length : i;
}
