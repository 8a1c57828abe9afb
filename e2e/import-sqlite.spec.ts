import { expect, test } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS, sqliteFile } from './playground-page';

const SAMPLE = ['customers', 'orders', 'stock'];

// A database built with sql.js in Node, as another program would write it.
const LIBRARY = `
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE books (
  isbn TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  author_id INTEGER REFERENCES authors (id),
  year INTEGER
);
INSERT INTO authors VALUES (1, 'Donald Knuth'), (2, 'Barbara Liskov');
INSERT INTO books VALUES
  ('0201896834', 'The Art of Computer Programming', 1, 1968),
  ('0262121123', 'Program Development in Java', 2, 2000),
  ('0201038013', 'Seminumerical Algorithms', 1, 1969);
`;

test('opens an SQLite file as the database after asking, and it stays through a reload', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  // Replacing the database is asked first; cancelling changes nothing.
  await pg.openSqlite('library.sqlite', await sqliteFile(LIBRARY), 'Cancel');
  await expect(pg.tableNames()).toHaveText(SAMPLE);
  await expect(pg.message()).toContainText('Welcome');
  await pg.openSqlite('library.sqlite', await sqliteFile(LIBRARY));

  await expect(pg.message()).toContainText(
    'Imported library.sqlite: the database now holds authors, books',
  );
  // The file replaced the database: the sample tables are gone.
  await expect(pg.tableNames()).toHaveText(['authors', 'books']);
  await pg.waitForTable('authors');
  await expect(pg.cell(1, 0)).toHaveText('Donald Knuth');
  await pg.selectTable('books');
  await expect(pg.viewStatus()).toHaveText('3 rows');
  await expect(pg.cell(0, 0)).toHaveText('0201896834');
  await expect(pg.cell(1, 0)).toHaveText('The Art of Computer Programming');
  await expect(pg.cell(3, 2)).toHaveText('1969');
  // The bars of the import and of the loads are gone once they are done.
  await expect(pg.progress()).toHaveCount(0);
  await pg.screenshot('import-sqlite');

  await pg.goto('authors');
  await expect(pg.tableNames()).toHaveText(['authors', 'books']);
  await expect(pg.message()).toHaveCount(0);
  await pg.selectTable('books');
  await expect(pg.cell(0, 2)).toHaveText('0201038013');
  await expect(pg.cell(1, 1)).toHaveText('Program Development in Java');
});

for (const [what, slug, bytes] of [
  ['a text file', 'text', new TextEncoder().encode('name,city\nAda,Dresden\n')],
  // The SQLite header, then nothing a database holds.
  ['a file with only the SQLite header', 'header-only', headerOnly()],
] as const) {
  test(`refuses ${what} named .sqlite and changes nothing`, async ({ page }) => {
    const pg = await PlaygroundPage.open(page);
    await pg.editCell(SAMPLE_KINDS['customers']!, 4, 0, 'Leipzig');
    await pg.openSqlite('broken.sqlite', bytes);

    await expect(page.getByRole('alert')).toContainText('Importing broken.sqlite failed');
    await expect(pg.message()).toContainText(/not an SQLite database|not a database/i);
    await pg.screenshot(`import-sqlite-refused-${slug}`);
    await expect(pg.tableNames()).toHaveText(SAMPLE);
    await expect(pg.tableButton('customers')).toHaveAttribute('aria-current', 'true');
    await expect(pg.cell(1, 0)).toHaveText('Ada Lovelace');
    // The pending edit is still pending.
    await expect(pg.cell(4, 0)).toHaveText('Leipzig');
    await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');

    // After a reload the database is as it was; the edit, unpushed, comes back from its draft.
    await pg.goto();
    await expect(pg.tableNames()).toHaveText(SAMPLE);
    await expect(pg.cell(1, 0)).toHaveText('Ada Lovelace');
    await expect(pg.cell(4, 0)).toHaveText('Leipzig');
    await expect(pg.plan()).toContainText(
      `UPDATE "customers" SET "city" = 'Leipzig' WHERE "id" = 1;`,
    );
    await expect(pg.viewStatus()).toHaveText('120 rows');
  });
}

function headerOnly(): Uint8Array {
  const bytes = new Uint8Array(4096);
  bytes.set(new TextEncoder().encode('SQLite format 3\0'));
  return bytes;
}
