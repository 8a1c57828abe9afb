import { expect, test } from '@playwright/test';
import { GRID_METRICS } from '../demo/grid-metrics';
import { PlaygroundPage } from './playground-page';

test('at 1280 px the toolbar keeps to its two lines, and no row stays hidden under a message', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  // The welcome message floats over the bottom of the grid.
  await expect(pg.message()).toBeVisible();
  for (const row of await page.locator('.toolbar-row').all()) {
    const box = (await row.boundingBox())!;
    expect(box.height).toBeLessThan(40);
  }

  // Scrolled to the end, the last row (120) is drawn above the message, not under it.
  await page.locator('.dvn-scroller').evaluate((s) => s.scrollTo(0, s.scrollHeight));
  await expect(pg.cell(0, 119)).toHaveText('120');
  const [lastRowBottom, barTop] = await page.evaluate(
    ([header, height]) => {
      const scroller = document.querySelector('.dvn-scroller')!;
      const top = scroller.getBoundingClientRect().top;
      const bottom = top + header + 120 * height - scroller.scrollTop;
      return [bottom, document.querySelector('.bars')!.getBoundingClientRect().top];
    },
    [GRID_METRICS.headerHeight, GRID_METRICS.rowHeight] as const,
  );
  expect(lastRowBottom).toBeLessThanOrEqual(barTop);
  await pg.screenshot('layout-last-row-above-message');
});
