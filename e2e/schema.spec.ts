import { expect, test, type Page } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

async function columnAction(page: Page, column: string, action: string): Promise<void> {
  await page.getByLabel('Column', { exact: true }).selectOption(column);
  await page.getByRole('button', { name: action }).click();
}

test('adds, renames, retypes and drops columns as pending schema changes', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);

  await pg.button('Add column…').click();
  const add = page.getByRole('dialog', { name: 'Add a column' });
  await add.getByLabel('Name').fill('loyalty_points');
  await add.getByLabel('Type', { exact: true }).selectOption('INTEGER');
  await add.getByLabel('Default').fill('0');
  await add.getByRole('button', { name: 'Add' }).click();
  await expect(add).toBeHidden();

  await columnAction(page, 'notes', 'Rename…');
  const rename = page.getByRole('dialog', { name: 'Rename column notes' });
  await rename.getByLabel('New name').fill('remarks');
  await rename.getByRole('button', { name: 'Rename' }).click();

  await columnAction(page, 'signed_up', 'Retype…');
  const retype = page.getByRole('dialog', { name: 'Change the type of signed_up' });
  await retype.getByLabel('Type', { exact: true }).selectOption('TEXT');
  await retype.getByRole('button', { name: 'Change type' }).click();

  await columnAction(page, 'vip', 'Drop column');

  const plan = pg.plan();
  await expect(plan).toContainText('ALTER TABLE "customers" DROP COLUMN "vip";');
  await expect(plan).toContainText('ALTER TABLE "customers" RENAME COLUMN "notes" TO "remarks";');
  await expect(plan).toContainText(
    'ALTER TABLE "customers" ADD COLUMN "loyalty_points" INTEGER DEFAULT (0);',
  );
  await expect(plan).toContainText(
    `-- rewrite the declared type of "signed_up" in "customers"'s CREATE TABLE to TEXT`,
  );
  await expect(pg.counts('customers')).toContainText('4 schema changes');
  await expect(page.getByLabel('Column', { exact: true }).locator('option')).toHaveText([
    'id',
    'name',
    'email',
    'zip',
    'city',
    'signed_up',
    'remarks',
    'loyalty_points',
  ]);
  // Added, renamed and retyped columns are marked in the grid's header (Glide lists the headers
  // of the columns on screen).
  const header = (title: string) => page.locator('th[role="columnheader"]', { hasText: title });
  await expect(header('signed_up (now TEXT)')).toHaveCount(1);
  await page.locator('.dvn-scroller').evaluate((s) => s.scrollTo(s.scrollWidth, 0));
  await expect(header('loyalty_points (new)')).toHaveCount(1);
  await expect(header('remarks (renamed from notes)')).toHaveCount(1);
  await pg.screenshot('schema-pending');
});

test('a type change shows the cells it will alter, before and after', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await expect(pg.cell(3, 0)).toHaveText('01067');
  await columnAction(page, 'zip', 'Retype…');
  const retype = page.getByRole('dialog', { name: 'Change the type of zip' });
  await retype.getByLabel('Type', { exact: true }).selectOption('INTEGER');
  await retype
    .getByLabel('Values the new type cannot hold')
    .selectOption('keep them as SQLite would');
  await retype.getByRole('button', { name: 'Change type' }).click();
  await expect(retype).toBeHidden();

  // '01067' becomes 1067 as an INTEGER: the cell is highlighted (drawn as '01067 → 1067'), the
  // header marked, and the panel counts the cells.
  await expect(page.getByTestId('retype-zip')).toContainText(
    /Changing the type of zip alters \d+ cell\(s\)/,
  );
  await expect(
    page.locator('th[role="columnheader"]', { hasText: 'zip (now INTEGER)' }),
  ).toHaveCount(1);
  await expect
    .poll(() => pg.cellColor(SAMPLE_KINDS['customers']!, 3, 0))
    .toEqual([0xff, 0xd2, 0xa6]);
  await pg.screenshot('retype-preview');
  await pg.button('Undo').click();
  await expect(pg.cell(3, 0)).toHaveText('01067');
  await expect(page.getByTestId('retype-zip')).toHaveCount(0);
  await expect
    .poll(() => pg.cellColor(SAMPLE_KINDS['customers']!, 3, 0))
    .toEqual([0xff, 0xff, 0xff]);
});

test('refuses a schema change the table cannot take and says why', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await columnAction(page, 'id', 'Drop column');
  await expect(pg.message()).toContainText('Drop refused (key_column)');
  await expect(pg.message()).toContainText("'id' is a key column of 'customers'");
  await expect(pg.plan()).toHaveText('-- nothing to push');
});
