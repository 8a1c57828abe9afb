import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './playground-page';

test('the SQL console runs a query into a read-only grid, shows errors with their code, and reads the committed database', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  // A pending edit: customer 1 renamed, not pushed.
  await pg.editCell(['integer', 'text'], 1, 0, 'Pending Name');
  await expect(pg.counts('customers')).toContainText('1 updated');

  await pg.button('SQL console').click();
  const sqlConsole = page.getByRole('region', { name: 'SQL console' });
  await expect(sqlConsole).toContainText('reads the committed database');
  const sql = sqlConsole.getByLabel('SQL');
  await sql.fill('SELECT id, name FROM customers WHERE id <= 3 ORDER BY id');
  await sql.press('Control+Enter');
  await expect(page.getByTestId('sql-status')).toContainText('3 row(s), 2 column(s)');
  await expect(pg.cell(0, 0)).toHaveText('1');
  // The committed name, not the pending one.
  await expect(pg.cell(1, 0)).not.toHaveText('Pending Name');
  await expect(pg.cell(1, 0)).not.toBeEmpty();
  // Read-only: Enter on a result cell opens no editor.
  const box = (await pg.canvas().boundingBox())!;
  await page.mouse.click(box.x + 48 + 140 + 20, box.y + 36 + 17);
  await expect(pg.cell(1, 0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(pg.cellEditor()).toHaveCount(0);
  await pg.screenshot('sql-console');

  // A write is refused plainly, with its code; nothing runs.
  await sql.fill('DELETE FROM customers');
  await sqlConsole.getByRole('button', { name: 'Run' }).click();
  const error = sqlConsole.getByRole('alert', { name: 'Query error' });
  await expect(error).toContainText('The query failed (invalid_sql)');
  await expect(error).toContainText('To change data, edit the tables and push');
  await expect(error).not.toContainText('push()');
  await pg.screenshot('sql-console-error');
  await sql.fill('SELECT count(*) AS n FROM customers');
  await sqlConsole.getByRole('button', { name: 'Run' }).click();
  await expect(error).toHaveCount(0);
  await expect(pg.cell(0, 0)).toHaveText('120');

  // After a push the console reads the new value.
  await pg.push();
  await sql.fill('SELECT name FROM customers WHERE id = 1');
  await sqlConsole.getByRole('button', { name: 'Run' }).click();
  await expect(pg.cell(0, 0)).toHaveText('Pending Name');

  // Back to the table: the grid and its editing are there again.
  await pg.tableButton('customers').click();
  await pg.waitForTable('customers');
  await expect(pg.cell(1, 0)).toHaveText('Pending Name');
});
