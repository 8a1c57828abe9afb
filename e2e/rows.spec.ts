import { expect, test } from '@playwright/test';
import { COLORS, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('deletes a row and inserts another, both highlighted until pushed', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);

  await pg.selectCell(kinds, 1, 2);
  await pg.button('Delete row').click();
  // Orders reference every customer: the page says so first.
  await page.getByRole('dialog').getByRole('button', { name: 'Delete anyway' }).click();
  await expect(pg.plan()).toContainText('DELETE FROM "customers" WHERE "id" = 3;');
  await expect.poll(() => pg.cellColor(kinds, 1, 2)).toEqual(COLORS.deleted);
  await expect.poll(() => pg.cellColor(kinds, 1, 1)).toEqual(COLORS.plain);
  await pg.screenshot('rows-deleted');

  await pg.button('Insert row…').click();
  const dialog = page.getByRole('dialog', { name: 'Insert a row into customers' });
  await dialog.getByLabel('name').fill('Katherine Johnson');
  await dialog.getByLabel('zip').fill('04567');
  await dialog.getByLabel('city').fill('Leipzig');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  await expect(pg.plan()).toContainText(
    `INSERT INTO "customers" ("name", "zip", "city") VALUES ('Katherine Johnson', '04567', 'Leipzig') RETURNING rowid;`,
  );

  await expect(pg.counts('customers')).toHaveText('customers: 0 updated, 1 inserted, 1 deleted');

  // A filter is a view: it finds the inserted row, whose key the database assigns at push.
  await pg.filter('name', 'katherine');
  await expect(page.getByTestId('view-status')).toHaveText(
    '1 of 120 rows · name contains “katherine”',
  );
  await expect(pg.cell(1, 0)).toHaveText('Katherine Johnson');
  await expect(pg.cell(0, 0)).toHaveText('');
  await expect(pg.cell(3, 0)).toHaveText('04567');
  await expect.poll(() => pg.cellColor(kinds, 1, 0)).toEqual(COLORS.inserted);
  await pg.screenshot('rows-inserted-filtered');
});
