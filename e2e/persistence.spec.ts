import { expect, test } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

test('keeps a pushed cell edit through a reload', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await expect(pg.message()).toContainText('Welcome: this is a sample database');
  // Once the table shows, the bar of its loading is gone.
  await expect(pg.progress()).toHaveCount(0);
  await pg.editCell(SAMPLE_KINDS['customers']!, 4, 0, 'Leipzig');
  await pg.push();
  await expect(pg.message()).toContainText('Pushed customers: 1 row(s) written');

  await pg.goto();
  await expect(pg.cell(4, 0)).toHaveText('Leipzig');
  await expect(pg.plan()).toHaveText('-- nothing to push');
  // The database was opened, not created again.
  await expect(pg.message()).toHaveCount(0);
});

test('keeps a pushed insert and delete, in two tables, through a reload', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await pg.button('Insert row…').click();
  const dialog = page.getByRole('dialog', { name: 'Insert a row into customers' });
  await dialog.getByLabel('name').fill('Katherine Johnson');
  await dialog.getByLabel('zip').fill('04567');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();

  // Every customer has orders (a foreign key): the row to delete is an order.
  await pg.selectTable('orders');
  await expect(pg.cell(0, 2)).toHaveText('3');
  await pg.selectCell(SAMPLE_KINDS['orders']!, 1, 2);
  await pg.button('Delete row').click();
  await expect(pg.counts('orders')).toHaveText('orders: 0 updated, 0 inserted, 1 deleted');
  await expect(pg.counts('customers')).toHaveText('customers: 0 updated, 1 inserted, 0 deleted');
  await pg.push();
  await expect(pg.message()).toContainText('2 row(s) written');

  await pg.goto();
  await expect(pg.viewStatus()).toHaveText('121 rows');
  await pg.filter('name', 'katherine');
  await expect(pg.viewStatus()).toHaveText('1 of 121 rows · name contains “katherine”');
  // The database assigned the key at push; the zip code is still text.
  await expect(pg.cell(0, 0)).toHaveText('121');
  await expect(pg.cell(3, 0)).toHaveText('04567');

  await pg.selectTable('orders');
  await expect(pg.viewStatus()).toHaveText('599 rows');
  await expect(pg.cell(0, 1)).toHaveText('2');
  await expect(pg.cell(0, 2)).toHaveText('4');
  await expect(pg.plan()).toHaveText('-- nothing to push');
});
