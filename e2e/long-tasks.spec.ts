import { expect, test, type Page } from '@playwright/test';
import { PlaygroundPage } from './playground-page';

const ROWS = 100_000;

type LongTask = { ms: number; at: number };

/** Records the page's long tasks (over 50 ms) from now on. */
async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: LongTask[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.longTasks.push({ ms: Math.round(e.duration), at: Math.round(e.startTime) });
    }).observe({ type: 'longtask' });
  });
}

/** The long tasks recorded since the last call. */
async function takeLongTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => {
    const w = window as unknown as { longTasks: LongTask[] };
    const out = w.longTasks;
    w.longTasks = [];
    return out;
  });
}

/** Every label the progress bar shows from now on (a phase can be quicker than a poll). */
async function recordBars(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { bars: string[] };
    w.bars = [];
    new MutationObserver(() => {
      const label = document.querySelector('.progress-label')?.textContent;
      if (label && w.bars[w.bars.length - 1] !== label) w.bars.push(label);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function takeBars(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = window as unknown as { bars: string[] };
    const out = w.bars;
    w.bars = [];
    return out;
  });
}

test('generating, sorting, filtering and searching 100,000 rows run in short slices between frames, with a percentage', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const pg = await PlaygroundPage.open(page);
  await recordLongTasks(page);
  await recordBars(page);
  await page.getByLabel('Rows to generate').selectOption(String(ROWS));
  await pg.button('Generate table').click();
  await expect(pg.message()).toContainText('Created events_100k', { timeout: 180_000 });
  await pg.waitForTable('events_100k');
  const generating = await takeLongTasks(page);
  console.log('long tasks while generating', JSON.stringify(generating));
  // Generating the rows, checking and encoding them for the worker, and loading the table back
  // run in slices of about 30 ms (the worker writes and saves). The target is 200 ms; the bound
  // keeps the same room as the viewing part below for a loaded 2-core machine, where the page's
  // share of the CPU shrinks: building the plan in one task blocked for 635 ms in CI.
  expect(Math.max(0, ...generating.map((t) => t.ms))).toBeLessThan(500);
  // Each phase showed a percentage of a known total, not only a spinner.
  const phases = await takeBars(page);
  for (const phase of [/^Generating rows/, /^Preparing 100,000 rows/, /^Writing 100,000 rows/])
    expect(phases.some((b) => phase.test(b) && /[1-9]\d?%$/.test(b))).toBe(true);

  await pg.filterBy(
    [{ column: 'kind', op: '=', value: 'purchase' }],
    [
      { column: 'zip', descending: true },
      { column: 'amount', descending: false },
    ],
  );
  await expect(pg.viewStatus()).toContainText('sorted by zip ↓, amount ↑', { timeout: 60_000 });
  await page.getByLabel('Search').fill('80331');
  await page.getByLabel('Search').press('Enter');
  await expect(pg.viewStatus()).toContainText('search “80331”', { timeout: 60_000 });
  await expect(pg.cell(4, 0)).toHaveText('80331');
  const viewing = await takeLongTasks(page);
  console.log('long tasks while viewing', JSON.stringify(viewing));
  // The target is 200 ms. On a quiet run the longest task was 143-155 ms; with the 2-core
  // machine at load 14 single tasks of 210-440 ms were seen (the page's own share of the CPU
  // shrinks), so the bound keeps room for that: a view computed in one go blocks for seconds.
  expect(Math.max(0, ...viewing.map((t) => t.ms))).toBeLessThan(500);
  const bars = await takeBars(page);
  expect(bars.some((b) => /^(Filtering|Sorting) 100,000 rows [1-9]\d?%$/.test(b))).toBe(true);
});
