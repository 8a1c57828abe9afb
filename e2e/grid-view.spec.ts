import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './playground-page';

test('a filter applied from far down the grid shows its rows from the top', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  // The generator offers 10,000 rows first: a million takes a while and is a choice to make.
  await expect(page.getByLabel('Rows to generate')).toHaveValue('10000');
  await pg.button('Generate table').click();
  await expect(pg.message()).toContainText('Created events_10k with 10,000 rows');
  await pg.waitForTable('events_10k');

  // Scroll to the last rows, as a user does with the scroll bar.
  await page.locator('.dvn-scroller').evaluate((s) => s.scrollTo(0, s.scrollHeight));
  await expect(pg.cell(0, 9_999)).toHaveText('10000');

  await pg.filter('kind', 'refund');
  await expect(pg.viewStatus()).toContainText(/^[\d,]+ of 10,000 rows/);
  // The first matching rows are drawn, at the top: not a blank grid.
  await expect(pg.cell(2, 0)).toHaveText('refund');
  await expect(pg.cell(2, 1)).toHaveText('refund');
  expect(await pg.rowVisible(0)).toBe(true);
  await pg.screenshot('filter-after-scroll');
});
