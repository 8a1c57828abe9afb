import * as aq from 'arquero';
import type { Database } from '../src/index';
import { random } from './random';

/** Sizes the playground offers for a generated table. */
export const LARGE_TABLE_SIZES = [10_000, 100_000, 1_000_000] as const;

/** Reports progress of a long task; `total` null when unknown. */
export type ProgressReport = (label: string, done: number, total: number | null) => void;

const KINDS = ['view', 'click', 'search', 'cart', 'purchase', 'refund'];
const ZIPS = ['01067', '04109', '10115', '20095', '50667', '60311', '80331', '02108', '03801'];
// Rows generated between two paints: about 100 ms of work, so the page keeps responding.
const CHUNK = 10_000;

/** Name of the generated table of `rows` rows: `events_10k`, `events_1m`. */
export function largeTableName(rows: number): string {
  return `events_${rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`}`;
}

/**
 * Generates an `events` table of `rows` rows (replacing one of the same size) and creates it in
 * the database: INTEGER key, numbers, numeric-looking text, DATETIME, BOOLEAN and some NULLs.
 * Rows are generated as columns (typed arrays where possible), in chunks that let the page
 * repaint its progress bar. Returns the table's name.
 */
export async function generateLargeTable(
  db: Database,
  rows: number,
  report: ProgressReport,
): Promise<string> {
  const name = largeTableName(rows);
  const rnd = random(rows);
  const id = new Float64Array(rows);
  const userId = new Float64Array(rows);
  const amount = new Array<number | null>(rows);
  const kind = new Array<string>(rows);
  const zip = new Array<string>(rows);
  const createdAt = new Array<string>(rows);
  const flagged = new Array<boolean>(rows);
  const start = Date.UTC(2024, 0, 1);
  for (let from = 0; from < rows; from += CHUNK) {
    report('Generating rows', from, rows);
    await nextFrame();
    const to = Math.min(rows, from + CHUNK);
    for (let i = from; i < to; i++) {
      id[i] = i + 1;
      userId[i] = rnd.int(1, 50_000);
      kind[i] = rnd.pick(KINDS);
      amount[i] =
        kind[i] === 'purchase' || kind[i] === 'refund' ? rnd.int(100, 99_999) / 100 : null;
      zip[i] = rnd.pick(ZIPS);
      createdAt[i] = new Date(start + i * 29_000).toISOString().slice(0, 19).replace('T', ' ');
      flagged[i] = rnd.chance(0.02);
    }
  }
  report('Generating rows', rows, rows);
  await nextFrame();
  if (db.tableNames().includes(name)) {
    report(`Dropping the old ${name}`, 0, null);
    await db.dropTable(name);
  }
  const writing = `Writing ${rows.toLocaleString('en')} rows to the database`;
  report(writing, 0, null);
  await nextFrame();
  const table = aq.table({
    id,
    user_id: userId,
    kind,
    amount,
    zip,
    created_at: createdAt,
    flagged,
  });
  await db.createTable(name, table, {
    primaryKey: 'id',
    types: {
      id: 'INTEGER',
      user_id: 'INTEGER',
      kind: 'TEXT',
      amount: 'REAL',
      zip: 'TEXT',
      created_at: 'DATETIME',
      flagged: 'BOOLEAN',
    },
    // The worker reports the rows written (a percentage), then saving the file to IndexedDB.
    onProgress: (p) =>
      p.phase === 'push'
        ? report(writing, p.done, p.total)
        : report(`Saving ${name} in this browser`, p.done, p.total),
  });
  return name;
}

/** Resolves after the browser had a chance to paint. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
