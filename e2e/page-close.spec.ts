import { expect, test, type BrowserContext, type Page } from '@playwright/test';

// A tab closed while it pushes (the worker dies with it, mid-transaction or mid-append) must leave
// the database at a committed state: every row from one push or the next, never a mix, and every
// push that had resolved kept. Another tab then pushes on top of it.

const ROWS = 2000;
const ROUNDS = 6;

async function harness(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/e2e/harness/tabs.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  return page;
}

/** The values of column v, read by a fresh tab from what is stored. */
async function storedValues(context: BrowserContext, name: string): Promise<number[]> {
  const page = await harness(context);
  const values = await page.evaluate(async (name) => {
    const db = await window.pandalchemy.openDatabase(name);
    const rows = (await db.query('SELECT v FROM t ORDER BY id')).objects() as { v: number }[];
    await db.close();
    return rows.map((r) => r.v);
  }, name);
  await page.close();
  return values;
}

test('a tab closed in the middle of its pushes leaves a committed state, and pushes go on', async ({
  context,
}) => {
  test.setTimeout(240_000);
  const name = `page-close-${crypto.randomUUID()}`;
  const setup = await harness(context);
  await setup.evaluate(
    async ({ name, rows }) => {
      const db = await window.pandalchemy.openDatabase(name);
      await db.createTable(
        't',
        { json: Array.from({ length: rows }, (_, i) => ({ id: i + 1, v: 0 })) },
        { primaryKey: 'id' },
      );
      await db.close();
    },
    { name, rows: ROWS },
  );
  await setup.close();

  let closedMidPush = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = await storedValues(context, name);
    const base = before[0]!;
    const writer = await harness(context);
    // Pushes every row again and again (base+1, base+2, ...); `resolved` is the last that resolved.
    await writer.evaluate(
      async ({ name, base }) => {
        const w = window as unknown as { resolved: number };
        w.resolved = base;
        const db = await window.pandalchemy.openDatabase(name);
        const t = await db.table('t');
        void (async () => {
          for (let k = base + 1; ; k++) {
            t.updateWhere(() => true, { v: k });
            await t.push();
            w.resolved = k;
          }
        })();
      },
      { name, base },
    );
    // Close after a few pushes, at a moment that moves from round to round.
    await writer.waitForFunction(
      (n) => (window as unknown as { resolved: number }).resolved >= n,
      base + 1 + (round % 3),
    );
    await writer.waitForTimeout(3 * round);
    const seen = await writer.evaluate(() => (window as unknown as { resolved: number }).resolved);
    await writer.close({ runBeforeUnload: false });
    closedMidPush++;

    const after = await storedValues(context, name);
    expect(after).toHaveLength(ROWS);
    // One push or another, never a mix of two; nothing that had resolved is lost.
    expect(new Set(after).size, `round ${round}: rows of different pushes`).toBe(1);
    expect(after[0]!).toBeGreaterThanOrEqual(seen);
  }

  // Another tab pushes on top, and a fresh tab reads that back.
  const last = (await storedValues(context, name))[0]!;
  const page = await harness(context);
  await page.evaluate(
    async ({ name, v }) => {
      const db = await window.pandalchemy.openDatabase(name);
      const t = await db.table('t');
      t.set(1, 'v', v);
      await t.push();
      await db.close();
    },
    { name, v: last + 100 },
  );
  await page.close();
  expect((await storedValues(context, name))[0]).toBe(last + 100);
  console.log(
    `page close: ${closedMidPush} tabs closed while pushing, each left a committed state`,
  );
});
