import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './playground-page';

// Zip codes with a leading zero must stay text; a column of integers without one is INTEGER.
const CSV = [
  'id,zip,city,amount,joined,member',
  '1,04567,Leipzig,12.5,2024-01-02,true',
  '2,10115,Berlin,7,2024-02-03,false',
  '3,01067,Dresden,,2024-03-04,true',
].join('\n');
const kinds = ['integer', 'text', 'text', 'real', 'date', 'boolean'] as const;

test('imports a CSV file as a new table with inferred types; an edit to it is pushed and kept', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.importCsv('Members 2024.csv', CSV);

  await expect(pg.message()).toContainText(
    'Imported Members 2024.csv as table members_2024 (3 rows)',
  );
  await expect(pg.message()).toContainText(
    'Column types were inferred: id INTEGER, zip TEXT, city TEXT, amount REAL, joined DATE, member BOOLEAN.',
  );
  await expect(pg.tableButton('members_2024')).toHaveAttribute('aria-current', 'true');
  await expect(pg.tableNames()).toHaveText(['customers', 'orders', 'stock', 'members_2024']);
  await expect(pg.viewStatus()).toHaveText('3 rows');
  await expect(pg.cell(0, 0)).toHaveText('1');
  await expect(pg.cell(1, 0)).toHaveText('04567');
  await expect(pg.cell(1, 2)).toHaveText('01067');
  await expect(pg.cell(2, 1)).toHaveText('Berlin');
  await expect(pg.cell(3, 0)).toHaveText('12.5');
  await expect(pg.cell(3, 2)).toHaveText('');
  await expect(pg.cell(4, 0)).toHaveText('2024-01-02');
  // Nothing is pending: the table was created in the database, not as an edit.
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await pg.screenshot('import-csv');

  await pg.editCell(kinds, 2, 1, 'Hamburg', 3);
  await expect(pg.plan()).toContainText(
    `UPDATE "members_2024" SET "city" = 'Hamburg' WHERE "id" = 2;`,
  );
  await pg.push();
  await expect(pg.message()).toContainText('Pushed members_2024: 1 row(s) written');

  await pg.goto();
  await expect(pg.tableNames()).toHaveText(['customers', 'orders', 'stock', 'members_2024']);
  await pg.selectTable('members_2024');
  await expect(pg.cell(2, 1)).toHaveText('Hamburg');
  await expect(pg.cell(1, 0)).toHaveText('04567');
  await expect(pg.cell(1, 2)).toHaveText('01067');
  await expect(pg.plan()).toHaveText('-- nothing to push');
});

test('guesses the delimiter, previews the rows, warns of one column; exports a table as CSV and JSON', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  const semicolons = 'name;city;amount\nAda;Dresden;"1,5"\nGrace;Berlin;2\n';
  const dialog = await pg.openCsv('people.csv', semicolons);
  await expect(dialog.getByLabel('Delimiter')).toHaveValue(';');
  const preview = dialog.getByRole('table', { name: 'Preview' });
  await expect(preview.locator('th')).toHaveText(['name', 'city', 'amount']);
  await expect(preview.locator('tbody tr').first().locator('td')).toHaveText([
    'Ada',
    'Dresden',
    '1,5',
  ]);
  await pg.screenshot('import-csv-preview');
  // The wrong delimiter leaves one column: the dialog says so.
  await dialog.getByLabel('Delimiter').selectOption('comma');
  await expect(dialog.getByRole('alert')).toContainText('Every line is one column');
  await dialog.getByLabel('Delimiter').selectOption('semicolon');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await dialog.getByLabel('Table name').fill('people');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(pg.message()).toContainText('Imported people.csv as table people (2 rows)');
  // Without an id column, rows are keyed by SQLite's rowid, shown first.
  await expect(pg.cell(1, 0)).toHaveText('Ada');
  await expect(pg.cell(2, 0)).toHaveText('Dresden');
  await expect(pg.cell(3, 0)).toHaveText('1,5');

  // Tabs are recognised too; cancelling imports nothing.
  const tabs = await pg.openCsv('tabs.tsv', 'a\tb\n1\t2\n');
  await expect(tabs.getByLabel('Delimiter')).toHaveValue('\t');
  await tabs.getByRole('button', { name: 'Cancel' }).click();
  await expect(pg.tableNames()).toHaveText(['customers', 'orders', 'stock', 'people']);

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByLabel('Export').selectOption('csv'),
  ]);
  expect(csv.suggestedFilename()).toBe('people.csv');
  expect(await readFile(await csv.path(), 'utf8')).toContain('name,city,amount');
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByLabel('Export').selectOption('json'),
  ]);
  expect(json.suggestedFilename()).toBe('people.json');
  const rows = JSON.parse(await readFile(await json.path(), 'utf8')) as unknown[];
  expect(rows).toHaveLength(2);
  expect(rows[0]).toMatchObject({ name: 'Ada', city: 'Dresden', amount: '1,5' });
});
