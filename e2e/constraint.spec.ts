import { expect, test } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['stock']!;

test('refuses a push that breaks a CHECK, keeps the edits and shows the row', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await pg.selectTable('stock');
  // A row below the fold: 'Show' has to scroll to it.
  await pg.filter('sku', '000210');
  await expect(pg.viewStatus()).toContainText('3 of 90 rows');
  await expect(pg.cell(0, 0)).toHaveText('BER-1');
  await pg.editCell(kinds, 2, 0, '-5');
  await expect(pg.cell(2, 0)).toHaveText('-5');
  await page.getByRole('button', { name: 'Clear view' }).click();
  await expect(pg.viewStatus()).toHaveText('90 rows');
  expect(await pg.rowVisible(29)).toBe(false);

  await pg.pushExpecting('Push refused');
  await pg.screenshot('constraint-refused');
  // The error's code is in the title.
  await expect(pg.message()).toContainText('Push refused (constraint): the database refused it');
  await expect(pg.message()).toContainText('CHECK constraint failed');
  await expect(pg.message()).toContainText('Nothing was written');
  await expect(pg.message()).toContainText('Your edits are kept.');
  // Said once: the page adds to the library's message, it does not repeat it.
  expect((await pg.message().innerText()).split('Nothing was written').length).toBe(2);
  await expect(pg.counts('stock')).toHaveText('stock: 1 updated, 0 inserted, 0 deleted');
  await expect(pg.plan()).toContainText(
    `UPDATE "stock" SET "qty" = -5 WHERE "warehouse" = 'BER-1' AND "sku" = '000210';`,
  );

  // From another table, 'Show' switches back, scrolls to the row and selects it.
  await pg.selectTable('customers');
  await pg.message().getByRole('button', { name: "Show stock ('BER-1', '000210')" }).click();
  await expect(pg.tableButton('stock')).toHaveAttribute('aria-current', 'true');
  await expect(pg.cell(0, 29)).toHaveAttribute('aria-selected', 'true');
  await expect(pg.cell(1, 29)).toHaveText('000210');
  await expect(pg.cell(2, 29)).toHaveText('-5');
  await expect.poll(() => pg.rowVisible(29)).toBe(true);
  await expect(pg.cell(0, 29)).toBeFocused();
});

test('refuses deleting a customer that orders reference, and names and shows those orders', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  const customers = SAMPLE_KINDS['customers']!;
  await pg.selectCell(customers, 1, 0);
  await pg.button('Delete row').click();
  // Asked first: orders reference the customer (see relations.spec.ts); delete anyway.
  await page.getByRole('dialog').getByRole('button', { name: 'Delete anyway' }).click();
  await expect(pg.counts('customers')).toHaveText('customers: 0 updated, 0 inserted, 1 deleted');

  await pg.pushExpecting('Push refused');
  await pg.screenshot('foreign-key-refused');
  // The table, the row and the rows that reference it, in the user's terms.
  await expect(pg.message()).toContainText(
    /Push refused \(constraint\): customers id = 1 is deleted, but \d+ rows? still/,
  );
  await expect(pg.message()).toContainText(/orders \(\d+\)/);
  await expect(pg.message()).toContainText('Nothing was written and your edits are kept');
  await expect(pg.counts('customers')).toHaveText('customers: 0 updated, 0 inserted, 1 deleted');

  const show = pg
    .message()
    .getByRole('button', { name: /^Show orders \(\d+\)$/ })
    .first();
  const id = /\((\d+)\)/.exec((await show.textContent())!)![1]!;
  await show.click();
  await expect(pg.tableButton('orders')).toHaveAttribute('aria-current', 'true');
  // Order ids are their row numbers in table order: the referencing order is selected.
  const row = Number(id) - 1;
  await expect(pg.cell(0, row)).toHaveAttribute('aria-selected', 'true');
  await expect(pg.cell(1, row)).toHaveText('1');
  await pg.message().getByRole('button', { name: 'Show customers (1)' }).click();
  await expect(pg.tableButton('customers')).toHaveAttribute('aria-current', 'true');
  await expect(pg.cell(0, 0)).toHaveAttribute('aria-selected', 'true');
});
