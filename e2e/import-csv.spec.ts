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
