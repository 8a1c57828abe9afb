import * as aq from 'arquero';
import type { Database } from '../src/index';
import { random } from './random';

/** Sizes the playground offers for a generated table. */
export const LARGE_TABLE_SIZES = [10_000, 100_000, 1_000_000] as const;

/** Reports progress of a long task; `total` null when unknown. */
export type ProgressReport = (label: string, done: number, total: number | null) => void;

const KINDS = ['view', 'click', 'search', 'cart', 'purchase', 'refund'];
const ZIPS = ['01067', '04109', '10115', '20095', '50667', '60311', '80331', '02108', '03801'];
// Generation runs in slices of about SLICE_MS between which the page paints (the target is no
// task over 200 ms); the clock is read every STEP rows.
const SLICE_MS = 30;
const STEP = 1000;

/** Name of the generated table of `rows` rows: `events_10k`, `events_1m`. */
export function largeTableName(rows: number): string {
  return `events_${rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`}`;
}

/**
 * Generates an `events` table of `rows` rows (replacing one of the same size) and creates it in
 * the database: INTEGER key, numbers, numeric-looking text, DATETIME, BOOLEAN and some NULLs.
 * Rows are generated as columns (typed arrays where possible), in slices that let the page
 * repaint its progress bar. Returns the table's name.
 */
export async function generateLargeTable(
  db: Database,
  rows: number,
  report: ProgressReport,
): Promise<string> {
  const name = largeTableName(rows);
  const rnd = random(rows);
  // Arrays filled by push: `new Array(n)` of a large n is a slow dictionary-mode array.
  const id = new Float64Array(rows);
  const userId = new Float64Array(rows);
  const amount: (number | null)[] = [];
  const kind: string[] = [];
  const zip: string[] = [];
  const createdAt: string[] = [];
  const flagged: boolean[] = [];
  const start = Date.UTC(2024, 0, 1);
  let sliceStart = performance.now();
  for (let from = 0; from < rows; from += STEP) {
    // A slice of SLICE_MS, then a paint: how many rows fit depends on the machine and its load.
    if (performance.now() - sliceStart >= SLICE_MS) {
      report('Generating rows', from, rows);
      await nextTask();
      sliceStart = performance.now();
    }
    const to = Math.min(rows, from + STEP);
    for (let i = from; i < to; i++) {
      id[i] = i + 1;
      userId[i] = rnd.int(1, 50_000);
      const k = rnd.pick(KINDS);
      kind.push(k);
      amount.push(k === 'purchase' || k === 'refund' ? rnd.int(100, 99_999) / 100 : null);
      zip.push(rnd.pick(ZIPS));
      createdAt.push(new Date(start + i * 29_000).toISOString().slice(0, 19).replace('T', ' '));
      flagged.push(rnd.chance(0.02));
    }
  }
  report('Generating rows', rows, rows);
  await nextTask();
  if (db.tableNames().includes(name)) {
    report(`Dropping the old ${name}`, 0, null);
    await db.dropTable(name);
  }
  const writing = `Writing ${rows.toLocaleString('en')} rows to the database`;
  report(`Preparing ${rows.toLocaleString('en')} rows`, 0, null);
  await nextTask();
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
    // Every phase with a percentage: checking and encoding the rows (in slices on this thread),
    // then in the worker writing them, saving the file to IndexedDB, and reading the table back.
    onProgress: (p) => {
      if (p.phase === 'prepare')
        report(`Preparing ${rows.toLocaleString('en')} rows`, p.done, p.total);
      else if (p.phase === 'push') report(writing, p.done, p.total);
      else if (p.phase === 'read') report(`Loading ${name}`, p.done, p.total);
      else report(`Saving ${name} in this browser`, p.done, p.total);
    },
  });
  return name;
}

/** Resolves in a later task, after the browser had a chance to paint. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
