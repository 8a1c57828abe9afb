import { expect, test } from '@playwright/test';
import { COLORS, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('highlights an edited cell and previews it as SQL before pushing', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await expect(pg.cell(4, 0)).toHaveText('Dresden');
  await expect(pg.plan()).toHaveText('-- nothing to push');

  await pg.editCell(kinds, 4, 0, 'Leipzig');

  await expect(pg.cell(4, 0)).toHaveText('Leipzig');
  await expect.poll(() => pg.cellColor(kinds, 4, 0)).toEqual(COLORS.changed);
  await expect.poll(() => pg.cellColor(kinds, 3, 0)).toEqual(COLORS.plain);
  await expect(pg.plan()).toContainText(
    `UPDATE "customers" SET "city" = 'Leipzig' WHERE "id" = 1;`,
  );
  await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await pg.screenshot('edit-pending');
});

test('sets cells to NULL with the Delete key and offers column actions in the header', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.selectCell(kinds, 2, 0);
  await page.keyboard.press('Delete');
  await expect(pg.plan()).toContainText(`UPDATE "customers" SET "email" = NULL WHERE "id" = 1;`);
  await expect(pg.cell(2, 0)).toHaveText('');

  // The ▾ at the right end of a header opens the column's actions; a click elsewhere sorts.
  const zip = pg.cellOrigin(kinds, 4, 0);
  const box = (await pg.canvas().boundingBox())!;
  await page.mouse.move(box.x + zip.x - 14, box.y + 18);
  await page.mouse.click(box.x + zip.x - 14, box.y + 18);
  const menu = page.getByRole('dialog', { name: 'Column zip' });
  await menu.getByRole('button', { name: 'Sort descending' }).click();
  await expect(page.getByTestId('view-status')).toHaveText('120 rows · sorted by zip ↓');
  await expect(pg.plan()).not.toContainText('zip');
});
