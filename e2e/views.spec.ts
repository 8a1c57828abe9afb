import { expect, test, type Page } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

/** Runs a query in the SQL console (SQLite is the model of a view) and returns its cells. */
async function sqlCells(pg: PlaygroundPage, sql: string, cells: number): Promise<string[]> {
  await pg.button('SQL console').click();
  await pg.page.getByLabel('SQL', { exact: true }).fill(sql);
  await pg.button('Run').click();
  await expect(pg.page.getByTestId('sql-status')).toContainText('row(s)');
  const out: string[] = [];
  for (let i = 0; i < cells; i++) out.push((await pg.cell(0, i).textContent()) ?? '');
  return out;
}

function headers(page: Page) {
  return page.locator('th[role="columnheader"]');
}

test('filters by several conditions, sorts by several columns and searches, as views that edit nothing', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  // SQLite says which orders the view must show, and in which order.
  const where = "status = 'paid' AND total > 100 AND shipped_on IS NULL";
  const [count] = await sqlCells(pg, `SELECT count(*) FROM orders WHERE ${where}`, 1);
  const firstIds = await sqlCells(
    pg,
    `SELECT id FROM orders WHERE ${where} ORDER BY customer_id DESC, total, id LIMIT 3`,
    3,
  );
  // Only the name and the e-mail address can hold the name searched for.
  const [lovelaces] = await sqlCells(
    pg,
    "SELECT count(*) FROM customers WHERE name LIKE '%lovelace%' OR email LIKE '%lovelace%'",
    1,
  );
  await pg.selectTable('orders');

  await pg.filterBy(
    [
      { column: 'status', op: '=', value: 'paid' },
      { column: 'total', op: '>', value: '100' },
      { column: 'shipped_on', op: 'is null' },
    ],
    [{ column: 'customer_id', descending: true }, { column: 'total' }],
  );
  await expect(pg.viewStatus()).toContainText(
    `${count} of 600 rows · status = “paid” · total > “100” · shipped_on is null · sorted by customer_id ↓, total ↑`,
  );
  for (const [i, id] of firstIds.entries()) await expect(pg.cell(0, i)).toHaveText(id);
  await expect(headers(page).filter({ hasText: 'customer_id ↓1' })).toHaveCount(1);
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await pg.screenshot('views-filter-sort');

  // Search looks in every column, and combines with the filters.
  await page.getByLabel('Search').fill('Lovelace');
  await page.getByLabel('Search').press('Enter');
  await expect(pg.viewStatus()).toContainText('search “Lovelace”');
  await pg.selectTable('customers');
  await page.getByLabel('Search').fill('lovelace');
  await page.getByLabel('Search').press('Enter');
  await expect(pg.viewStatus()).toContainText(`${lovelaces} of 120 rows · search “lovelace”`);
  await expect(pg.cell(1, 0)).toHaveText('Ada Lovelace');
  await page.getByRole('button', { name: 'Clear view' }).click();
  await expect(pg.viewStatus()).toHaveText('120 rows');
  await expect(page.getByLabel('Search')).toHaveValue('');
});

test('hides, reorders and freezes columns, and edits one row in a form with a picker for its foreign key', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.selectTable('orders');
  const kinds = SAMPLE_KINDS['orders']!;

  // Columns: hide ordered_at, move total before status, freeze two.
  await pg.button('Columns…').click();
  const columns = page.getByRole('dialog', { name: 'Columns of orders' });
  await columns.getByLabel('Show ordered_at').uncheck();
  await columns.getByRole('button', { name: 'Move total left' }).click();
  await columns.getByLabel('Frozen columns').fill('2');
  await pg.screenshot('views-columns');
  await columns.getByRole('button', { name: 'Done' }).click();
  await expect(headers(page)).toHaveText(['id', 'customer_id', 'total', 'status', 'shipped_on']);
  // A display choice, not an edit.
  await expect(pg.plan()).toHaveText('-- nothing to push');
  // Frozen columns stay while the grid scrolls right past them.
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.locator('.dvn-scroller').evaluate((el) => el.scrollTo(el.scrollWidth, 0));
  await expect(headers(page).first()).toHaveText('id');
  await expect(headers(page).last()).toHaveText('shipped_on');
  await pg.screenshot('views-frozen-scrolled');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The row form: every column of the selected row, including hidden ones.
  await pg.selectCell(kinds, 0, 0);
  await pg.button('Row form…').click();
  const form = page.getByRole('dialog', { name: 'Row 1 of orders' });
  await expect(form.getByLabel('ordered_at')).not.toHaveValue('');
  // The same parsing and checks as a cell: a refused value changes nothing and says why.
  await form.getByLabel('total').fill('not a number');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).not.toBeEmpty();
  await expect(pg.plan()).toHaveText('-- nothing to push');
  // The foreign key is picked from customers, by name.
  const picker = form.getByLabel('Pick from customers');
  await expect(picker.locator('option', { hasText: '1 · Ada Lovelace' })).toHaveCount(1);
  await picker.selectOption('1');
  await expect(form.getByLabel('customer_id')).toHaveValue('1');
  await form.getByLabel('total').fill('12.5');
  const status = (await form.getByLabel('status').inputValue()) === 'new' ? 'paid' : 'new';
  await form.getByLabel('status').fill(status);
  await pg.screenshot('views-row-form');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
  await expect(pg.counts('orders')).toHaveText('orders: 1 updated, 0 inserted, 0 deleted');
  await expect(pg.plan()).toContainText(`"total" = 12.5`);
  await expect(pg.plan()).toContainText(`"status" = '${status}'`);
  await expect(pg.cell(2, 0)).toHaveText('12.5');
  // One save, one undo step.
  await pg.button('Undo').click();
  await expect(pg.plan()).toHaveText('-- nothing to push');
});
