import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { PlaygroundPage, queryFile, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('downloads the database as an SQLite file holding the pushed edit, not the pending one', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.editCell(kinds, 4, 0, 'Leipzig');
  await pg.push();
  // Pending, not pushed: the file holds only what the database holds.
  const city = await pg.cell(4, 1).textContent();
  expect(city).not.toBe('Hamburg');
  await pg.editCell(kinds, 4, 1, 'Hamburg');
  await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    pg.button('Download .sqlite').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${pg.db}.sqlite`);
  await expect(pg.message()).toContainText(`Downloaded ${pg.db}.sqlite`);
  await pg.screenshot('download');

  const bytes = new Uint8Array(await readFile(await download.path()));
  expect(Buffer.from(bytes.subarray(0, 16)).toString('latin1')).toBe('SQLite format 3\0');
  const rows = await queryFile(bytes, 'SELECT id, city, zip FROM customers WHERE id IN (1, 2)');
  expect(rows[0]).toEqual({ id: 1, city: 'Leipzig', zip: '01067' });
  expect(rows[1]).toMatchObject({ id: 2, city });
  const [{ n } = {}] = await queryFile(bytes, 'SELECT count(*) AS n FROM orders');
  expect(n).toBe(600);
  // The schema came along: the CHECK on stock.qty, the composite key.
  const [{ sql } = {}] = await queryFile(
    bytes,
    "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'stock'",
  );
  expect(sql).toContain('CHECK (qty >= 0)');
  expect(sql).toContain('PRIMARY KEY (warehouse, sku)');
});
