import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { WriterOptions, WriterReport } from './harness/tabs';

const TABS = 3;
const PUSHES = 200;
const ROWS = 20;
const COLUMNS = ['a', 'b', 'c'] as const;
/**
 * Tabs 2 and 3 fold the redo log into a snapshot every few pushes (a 2 KiB threshold), so tabs
 * catch up both from the log and from snapshots under load. TABS_CHECKPOINT_BYTES=0 turns it off
 * (the log then never reaches the default 8 MiB threshold).
 */
const CHECKPOINT_BYTES = Number(process.env['TABS_CHECKPOINT_BYTES'] ?? 2048) || undefined;

/** Opens the harness page in a new tab of the context (tabs of one context share storage). */
async function openTab(context: BrowserContext, errors: string[], label: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${label}: ${m.text()}`);
  });
  await page.goto('/e2e/harness/tabs.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  return page;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

test(`${TABS} tabs pushing ${PUSHES} times each into one database lose no update, report every conflict and end equal to storage`, async ({
  context,
}) => {
  test.setTimeout(360_000);
  const seed = Number(process.env['TABS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
  test.info().annotations.push({ type: 'seed', description: `TABS_SEED=${seed}` });
  console.log(`tabs under load: seed ${seed} (run again with TABS_SEED=${seed})`);
  const at = (what: string) => `${what} (TABS_SEED=${seed})`;
  const name = `tabs-under-load-${seed}`;
  const errors: string[] = [];

  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(context, errors, `tab ${i + 1}`));
  const opened = [await tabs[0]!.evaluate((n) => window.harness.open(n), name)];
  const created = await tabs[0]!.evaluate((rows) => window.harness.createCounters(rows), ROWS);
  for (const tab of tabs.slice(1))
    opened.push(
      await tab.evaluate(([n, bytes]) => window.harness.open(n, bytes), [
        name,
        CHECKPOINT_BYTES,
      ] as const),
    );
  expect(opened, at('seq each tab opened at')).toEqual([0, created, created]);

  // The three tabs push concurrently: each one its own column of 1-3 random rows, often `shared`
  // too (mostly of rows 1-3), sometimes holding its edits until another tab committed.
  const options = (tab: number): WriterOptions => ({
    name,
    tab,
    tabs: TABS,
    column: COLUMNS[tab]!,
    pushes: PUSHES,
    seed: seed + tab,
    rows: ROWS,
    hotRows: 3,
    sharedChance: 0.5,
    waitChance: 0.25,
  });
  const started = Date.now();
  const reports: WriterReport[] = await Promise.all(
    tabs.map((tab, i) => tab.evaluate((o) => window.harness.runWriter(o), options(i))),
  );
  const runMs = Date.now() - started;

  // A fourth tab opens the database from IndexedDB (snapshot + redo log) while the others are open.
  const fresh = await openTab(context, errors, 'fresh tab');
  await fresh.evaluate((n) => window.harness.open(n), name);
  const stored = await fresh.evaluate(() => window.harness.refreshedRows());
  const last = created + TABS * PUSHES;
  expect(stored.seq, at('seq read from storage')).toBe(last);
  expect(stored.sql, at('fresh tab: table vs SQL')).toEqual(stored.rows);

  // No lost update: each tab's column holds exactly its successful increments, `shared` the sum
  // of every tab's; a refused push wrote nothing.
  const rows = stored.rows as Record<string, number>[];
  expect(
    rows.map((r) => r['id']),
    at('row ids'),
  ).toEqual(range(1, ROWS));
  for (const [i, report] of reports.entries()) {
    expect(report.pushes, at(`tab ${i + 1} successful pushes`)).toBe(PUSHES);
    expect(
      rows.map((r) => r[COLUMNS[i]!]),
      at(`column ${COLUMNS[i]} (tab ${i + 1})`),
    ).toEqual(report.own);
  }
  const shared = range(0, ROWS - 1).map((r) => sum(reports.map((rep) => rep.shared[r]!)));
  expect(
    rows.map((r) => r['shared']),
    at('column shared'),
  ).toEqual(shared);

  // Every push is one commit: 600 distinct, consecutive seqs after the table's creation.
  const seqs = reports.flatMap((r) => r.seqs).sort((x, y) => x - y);
  expect(seqs, at('commit seqs of the pushes')).toEqual(range(created + 1, last));

  // The tabs really collided: pushes were refused with conflict errors (each checked in the page
  // to be a ConflictError, code 'conflict', naming exactly rows and the `shared` column this push
  // edited from a value another tab had since changed) and retried; every other error fails.
  const conflicts = sum(reports.map((r) => r.conflicts));
  expect(conflicts, at('conflicts')).toBeGreaterThan(0);
  for (const [i, r] of reports.entries()) {
    expect(r.attempts, at(`tab ${i + 1}: attempts = pushes + conflicts`)).toBe(
      r.pushes + r.conflicts,
    );
    expect(r.rebaseRetries + r.reloadRetries, at(`tab ${i + 1} retries`)).toBe(r.conflicts);
  }

  // Every tab heard every commit once, in order, and ends at the last one holding what storage
  // holds. (A tab that catches up from a snapshot hears one event for the commits it skipped.)
  for (const [i, tab] of tabs.entries()) {
    const state = await tab.evaluate(() => window.harness.refreshedRows());
    expect(state.seq, at(`tab ${i + 1} seq`)).toBe(last);
    expect(state.stale, at(`tab ${i + 1} stale`)).toBe(false);
    expect(state.rows, at(`tab ${i + 1} table`)).toEqual(stored.rows);
    expect(state.sql, at(`tab ${i + 1} SQL`)).toEqual(stored.rows);
    const heard = state.heard.all;
    if (CHECKPOINT_BYTES) {
      expect(heard.at(-1), at(`tab ${i + 1} last change event`)).toBe(last);
      expect(
        heard.every((seq, k) => k === 0 || seq > heard[k - 1]!),
        at(`tab ${i + 1} change events in order: ${heard.join(' ')}`),
      ).toBe(true);
    } else {
      expect(heard, at(`tab ${i + 1} change events`)).toEqual(range(opened[i]! + 1, last));
      const own = [...(i === 0 ? [created] : []), ...reports[i]!.seqs].sort((x, y) => x - y);
      expect(state.heard.local, at(`tab ${i + 1} own commits`)).toEqual(own);
    }
  }

  const line = (label: string, r: Omit<WriterReport, 'own' | 'shared' | 'seqs' | 'tab'>) =>
    `${label.padEnd(7)} pushes ${r.pushes}, attempts ${r.attempts}, conflicts ${r.conflicts} ` +
    `(cells ${r.conflictCells}; pushes retried ${r.conflictedPushes}, most attempts ${r.maxAttempts}), ` +
    `retries ${r.rebaseRetries} rebased + ${r.reloadRetries} reloaded, ` +
    `stale pushes accepted ${r.stalePushes}, waits ${r.waits} (${r.waitsEndedByCommit} ended by a commit), ` +
    `${(r.ms / 1000).toFixed(1)} s`;
  const total = reports.reduce(
    (t, r) => ({
      column: 'all',
      pushes: t.pushes + r.pushes,
      attempts: t.attempts + r.attempts,
      conflicts: t.conflicts + r.conflicts,
      conflictCells: t.conflictCells + r.conflictCells,
      conflictedPushes: t.conflictedPushes + r.conflictedPushes,
      maxAttempts: Math.max(t.maxAttempts, r.maxAttempts),
      rebaseRetries: t.rebaseRetries + r.rebaseRetries,
      reloadRetries: t.reloadRetries + r.reloadRetries,
      stalePushes: t.stalePushes + r.stalePushes,
      waits: t.waits + r.waits,
      waitsEndedByCommit: t.waitsEndedByCommit + r.waitsEndedByCommit,
      ms: runMs,
    }),
    {
      column: 'all',
      pushes: 0,
      attempts: 0,
      conflicts: 0,
      conflictCells: 0,
      conflictedPushes: 0,
      maxAttempts: 0,
      rebaseRetries: 0,
      reloadRetries: 0,
      stalePushes: 0,
      waits: 0,
      waitsEndedByCommit: 0,
      ms: 0,
    },
  );
  console.log(
    [
      `tabs under load (seed ${seed}): ${TABS} tabs x ${PUSHES} pushes into ${ROWS} rows`,
      ...reports.map((r, i) => line(`tab ${i + 1}`, r)),
      line('total', total),
      `shared increments ${sum(shared)}; ${(total.pushes / (runMs / 1000)).toFixed(1)} pushes/s`,
    ].join('\n'),
  );

  for (const tab of [...tabs, fresh]) await tab.evaluate(() => window.harness.close());
  expect(errors, at('page errors')).toEqual([]);
});
