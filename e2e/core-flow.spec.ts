import { expect, test, type Page } from '@playwright/test';
import { GRID_METRICS } from '../demo/grid-metrics';
import { freshDatabaseName, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

/**
 * The playground's core flow, run against the dev server (`npm run dev`: React's StrictMode runs
 * every effect twice there) as well as the production build: open, edit a cell, every dialog
 * (a column header's menu, insert a row, add, rename and retype a column), push, reload.
 *
 * It reads nothing from the grid's accessibility tree, only the canvas, the dialogs, the plan
 * and the view status: Glide Data Grid 6.0.3 never rendered that tree under StrictMode
 * (glideapps/glide-data-grid#1198; demo/vite/glide-strict-mode-fix.ts mends it for the dev
 * server), and this test holds whether or not it is there.
 */

const kinds = SAMPLE_KINDS['customers']!;

async function open(pg: PlaygroundPage): Promise<void> {
  await pg.page.goto(`/?db=${pg.db}`);
  await expect(pg.tableButton('customers')).toHaveAttribute('aria-current', 'true', {
    timeout: 60_000,
  });
  await expect(pg.viewStatus()).toHaveText(/rows/);
  // The grid's accessibility tree (what a screen reader reads) is there, in development too.
  await expect(pg.cell(0, 0)).not.toBeEmpty();
}

async function editCell(pg: PlaygroundPage, col: number, row: number, text: string) {
  const { x, y } = pg.cellOrigin(kinds, col, row);
  const box = (await pg.canvas().boundingBox())!;
  await pg.page.mouse.click(box.x + x + 20, box.y + y + GRID_METRICS.rowHeight / 2);
  // A selected cell enables Delete row: the grid has taken the click.
  await expect(pg.button('Delete row')).toBeEnabled();
  await pg.page.keyboard.press('Enter');
  await expect(pg.cellEditor()).toBeFocused();
  await pg.cellEditor().fill(text);
  await pg.page.keyboard.press('Enter');
  await expect(pg.cellEditor()).toHaveCount(0);
}

async function columnAction(page: Page, column: string, action: string): Promise<void> {
  await page.getByLabel('Column', { exact: true }).selectOption(column);
  await page.getByRole('button', { name: action }).click();
}

test('opens, edits through every dialog, pushes and keeps it all through a reload', async ({
  page,
}) => {
  const pg = new PlaygroundPage(page, freshDatabaseName());
  await open(pg);
  await editCell(pg, 1, 0, 'Zora Neale Hurston');
  await expect(pg.plan()).toContainText(
    `UPDATE "customers" SET "name" = 'Zora Neale Hurston' WHERE "id" = 1;`,
  );

  // The ▾ of zip's header (just left of where city starts) opens its menu; Escape closes it.
  const city = pg.cellOrigin(kinds, 4, 0);
  const box = (await pg.canvas().boundingBox())!;
  await page.mouse.move(box.x + city.x - 14, box.y + 18);
  await page.mouse.click(box.x + city.x - 14, box.y + 18);
  const menu = page.getByRole('dialog', { name: 'Column zip' });
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  await pg.button('Insert row…').click();
  const insert = page.getByRole('dialog', { name: 'Insert a row into customers' });
  await insert.getByLabel('name').fill('Katherine Johnson');
  await insert.getByLabel('zip').fill('04567');
  await insert.getByRole('button', { name: 'Insert' }).click();
  await expect(insert).toBeHidden();

  await pg.button('Add column…').click();
  const add = page.getByRole('dialog', { name: 'Add a column' });
  await add.getByLabel('Name').fill('loyalty_points');
  await add.getByLabel('Type', { exact: true }).selectOption('INTEGER');
  await add.getByLabel('Default').fill('7');
  await add.getByRole('button', { name: 'Add' }).click();
  await expect(add).toBeHidden();

  await columnAction(page, 'notes', 'Rename…');
  const rename = page.getByRole('dialog', { name: 'Rename column notes' });
  await rename.getByLabel('New name').fill('remarks');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename).toBeHidden();

  await columnAction(page, 'signed_up', 'Retype…');
  const retype = page.getByRole('dialog', { name: 'Change the type of signed_up' });
  await retype.getByLabel('Type', { exact: true }).selectOption('TEXT');
  await retype.getByRole('button', { name: 'Change type' }).click();
  await expect(retype).toBeHidden();

  await expect(pg.counts('customers')).toContainText('1 updated, 1 inserted, 0 deleted');
  await expect(pg.plan()).toContainText(
    `-- rewrite the declared type of "signed_up" in "customers"'s CREATE TABLE to TEXT`,
  );
  await pg.push();
  await expect(pg.message()).toContainText('Pushed customers');

  await open(pg);
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await expect(page.getByLabel('Column', { exact: true }).locator('option')).toHaveText([
    'id',
    'name',
    'email',
    'zip',
    'city',
    'signed_up',
    'vip',
    'remarks',
    'loyalty_points',
  ]);
  await pg.filter('name', 'zora');
  await expect(pg.viewStatus()).toHaveText('1 of 121 rows · name contains “zora”');
  await pg.filter('zip', '04567');
  await expect(pg.viewStatus()).toHaveText('1 of 121 rows · zip contains “04567”');
});
