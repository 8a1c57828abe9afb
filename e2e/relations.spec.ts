import { expect, test } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS, sqliteFile } from './playground-page';

const REFUSED = [0xf5, 0x9a, 0x9a];

test('before deleting a customer, the orders that reference it are counted and shown', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  const [count] = await (async () => {
    await pg.button('SQL console').click();
    await page
      .getByLabel('SQL', { exact: true })
      .fill('SELECT count(*) FROM orders WHERE customer_id = 2');
    await pg.button('Run').click();
    await expect(page.getByTestId('sql-status')).toContainText('1 row(s)');
    return [await pg.cell(0, 0).textContent()];
  })();
  await pg.selectTable('customers');
  await pg.selectCell(SAMPLE_KINDS['customers']!, 1, 1);
  await pg.button('Delete row').click();
  const dialog = page.getByRole('dialog', {
    name: `${count} row(s) of orders reference this row of customers`,
  });
  await expect(dialog).toContainText('orders.customer_id');
  await pg.screenshot('relations-delete-asks');
  // Nothing deleted yet; Show lists the orders.
  await dialog.getByRole('button', { name: 'Show the orders rows' }).click();
  await expect(pg.tableButton('orders')).toHaveAttribute('aria-current', 'true');
  await expect(pg.viewStatus()).toContainText(`${count} of 600 rows · customer_id = “2”`);
  await expect(pg.cell(1, 0)).toHaveText('2');
  await expect(pg.plan()).toHaveText('-- nothing to push');

  // An order with no referencing rows is deleted without a question.
  await pg.selectCell(SAMPLE_KINDS['orders']!, 1, 0);
  await pg.button('Delete row').click();
  await expect(pg.counts('orders')).toHaveText('orders: 0 updated, 0 inserted, 1 deleted');
});

test('a refused push marks the offending cell until it is edited', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  const kinds = SAMPLE_KINDS['stock']!;
  await pg.selectTable('stock');
  await pg.filter('sku', '000210');
  await pg.editCell(kinds, 2, 0, '-5');
  await pg.pushExpecting('Push refused (constraint)');
  // The qty cell the CHECK names is marked, the others of the row are not.
  await expect.poll(() => pg.cellColor(kinds, 2, 0)).toEqual(REFUSED);
  await expect.poll(() => pg.cellColor(kinds, 3, 0)).not.toEqual(REFUSED);
  await pg.screenshot('relations-refused-cell');
  await pg.editCell(kinds, 2, 0, '5');
  await expect.poll(() => pg.cellColor(kinds, 2, 0)).not.toEqual(REFUSED);
  await pg.push();
});

test('the sidebar lists the views and indexes of the database; a view opens in the SQL console', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.openSqlite(
    'books.sqlite',
    await sqliteFile(`
      CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, year INTEGER);
      INSERT INTO books VALUES (1, 'Dune', 1965), (2, 'Neuromancer', 1984), (3, 'Solaris', 1961);
      CREATE INDEX books_by_year ON books (year);
      CREATE VIEW old_books AS SELECT title, year FROM books WHERE year < 1970 ORDER BY id;
    `),
  );
  await pg.waitForTable('books');
  const indexes = page.getByRole('list', { name: 'Indexes' });
  await expect(indexes).toContainText('books_by_year');
  await expect(indexes).toContainText('books (year)');
  await page
    .getByRole('list', { name: 'Views' })
    .getByRole('button', { name: 'old_books' })
    .click();
  await expect(page.getByLabel('SQL', { exact: true })).toHaveValue(
    'SELECT * FROM "old_books" LIMIT 1000',
  );
  await expect(page.getByTestId('sql-status')).toContainText('2 row(s), 2 column(s)');
  await expect(pg.cell(0, 0)).toHaveText('Dune');
  await pg.screenshot('relations-views-indexes');
});
