import { expect, test } from '@playwright/test';
import { rowMarkerWidth, GRID_METRICS } from '../demo/grid-metrics';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('a 2x2 paste is one undo step; row checkboxes select several rows', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pg = await PlaygroundPage.open(page);
  const before = [await pg.cell(3, 1).textContent(), await pg.cell(4, 2).textContent()];

  await pg.selectCell(kinds, 3, 1);
  await page.evaluate(() => navigator.clipboard.writeText('Canada\tToronto\nPeru\tLima'));
  await page.keyboard.press('Control+v');
  await expect(pg.cell(3, 1)).toHaveText('Canada');
  await expect(pg.cell(4, 1)).toHaveText('Toronto');
  await expect(pg.cell(3, 2)).toHaveText('Peru');
  await expect(pg.cell(4, 2)).toHaveText('Lima');
  await expect(pg.counts('customers')).toHaveText('customers: 2 updated, 0 inserted, 0 deleted');
  await pg.screenshot('paste-2x2');

  // One undo takes the whole paste back.
  await pg.button('Undo').click();
  await expect(pg.cell(3, 1)).toHaveText(before[0]!);
  await expect(pg.cell(4, 2)).toHaveText(before[1]!);
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await expect(pg.button('Undo')).toBeDisabled();

  // Checkboxes add rows to the selection: two rows checked, both deleted at once.
  const box = (await pg.canvas().boundingBox())!;
  const marker = async (row: number) =>
    page.mouse.click(
      box.x + rowMarkerWidth(999) / 2,
      box.y + GRID_METRICS.headerHeight + row * GRID_METRICS.rowHeight + GRID_METRICS.rowHeight / 2,
    );
  await marker(0);
  await marker(2);
  await expect(pg.button('Delete 2 rows')).toBeEnabled();
  await pg.button('Delete 2 rows').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete anyway' }).click();
  await expect(pg.counts('customers')).toHaveText('customers: 0 updated, 0 inserted, 2 deleted');
  await expect(pg.plan()).toContainText('DELETE FROM "customers"');
});

test('"Discard all" asks first; cancelled, every edit stays', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await pg.editCell(kinds, 4, 0, 'Leipzig');
  await pg.selectTable('stock');
  await pg.editCell(SAMPLE_KINDS['stock']!, 2, 0, '7');

  await pg.button('Discard all').click();
  const dialog = page.getByRole('dialog', { name: 'Discard every pending change?' });
  await expect(dialog).toContainText('2 pending change(s) to customers, stock');
  await pg.screenshot('discard-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await expect(pg.counts('stock')).toHaveText('stock: 1 updated, 0 inserted, 0 deleted');

  await pg.button('Discard all').click();
  await dialog.getByRole('button', { name: 'Discard all' }).click();
  await expect(pg.message()).toContainText('Discarded every pending change');
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await expect(pg.cell(2, 0)).not.toHaveText('7');
});

test('messages appear without moving the grid; columns fit; refusals speak of the controls', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.button('Dismiss message').click();
  await expect(pg.message()).toHaveCount(0);
  const before = (await pg.canvas().boundingBox())!;

  // More than five columns fit beside the panels at 1280 px: the seventh (vip) is on screen.
  const headers = page.locator('th[role="columnheader"]');
  await expect(headers.filter({ hasText: /^vip$/ })).toHaveCount(1);

  // A refused type change says what to choose in the dialog, not which API option to pass.
  await page.getByLabel('Column', { exact: true }).selectOption('zip');
  await page.getByRole('button', { name: 'Retype…' }).click();
  const retype = page.getByRole('dialog', { name: 'Change the type of zip' });
  await retype.getByLabel('Type', { exact: true }).selectOption('INTEGER');
  await retype.getByRole('button', { name: 'Change type' }).click();
  await expect(retype.getByRole('alert')).toContainText(
    'Under “Values the new type cannot hold”, choose “set them to NULL”',
  );
  await expect(retype.getByRole('alert')).not.toContainText('invalid:');
  await retype.getByRole('button', { name: 'Cancel' }).click();

  // The message of the refusal floats over the page: the grid has not moved. (Its canvas ends
  // higher up: the grid makes room to scroll its last rows out from under the message.)
  await expect(pg.message()).toContainText('Type change refused');
  const after = (await pg.canvas().boundingBox())!;
  expect({ ...after, height: 0 }).toEqual({ ...before, height: 0 });
  await pg.screenshot('message-over-grid');
});
