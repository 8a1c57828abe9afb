import { expect, test, type Page } from '@playwright/test';
import { PlaygroundPage } from './playground-page';

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
  await expect(plan).toContainText('-- rebuild "customers" so that "signed_up" has type TEXT');
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
  await pg.screenshot('schema-pending');
});

test('refuses a schema change the table cannot take and says why', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await columnAction(page, 'id', 'Drop column');
  await expect(pg.message()).toContainText('Drop refused (key_column)');
  await expect(pg.message()).toContainText("'id' is a key column of 'customers'");
  await expect(pg.plan()).toHaveText('-- nothing to push');
});
