import { expect, test, type Page } from '@playwright/test';
import { freshDatabaseName, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;
const CITY = 4;
const NAME = 1;

/** Two tabs of one browser on one database. */
async function twoTabs(page: Page): Promise<[PlaygroundPage, PlaygroundPage]> {
  const db = freshDatabaseName();
  // The first tab creates the sample database; the second opens it.
  const a = await PlaygroundPage.open(page, db);
  const b = await PlaygroundPage.open(await page.context().newPage(), db);
  return [a, b];
}

function notice(pg: PlaygroundPage) {
  return pg.page.getByRole('status', { name: 'Changes from another tab' });
}

test('a push in one tab shows in the other, with a notice', async ({ page }) => {
  const [a, b] = await twoTabs(page);
  await expect(b.cell(CITY, 0)).toHaveText('Dresden');

  await a.editCell(kinds, CITY, 0, 'Leipzig');
  await a.push();

  await expect(notice(b)).toContainText('Another tab pushed changes to customers.');
  await expect(notice(b)).toContainText('The grid already shows them.');
  await expect(b.cell(CITY, 0)).toHaveText('Leipzig');
  await expect(b.plan()).toHaveText('-- nothing to push');
  await expect(b.progress()).toHaveCount(0);
  await b.screenshot('two-tabs-notice');
  // The tab that pushed gets no notice of its own push.
  await expect(notice(a)).toHaveCount(0);

  await notice(b).getByRole('button', { name: 'Refresh' }).click();
  await expect(b.message()).toContainText('Refreshed: the tables show what the database holds');
  await expect(notice(b)).toHaveCount(0);
  await expect(b.cell(CITY, 0)).toHaveText('Leipzig');
});

test('the second push of one cell is refused as a conflict; Refresh takes theirs and keeps my other edits', async ({
  page,
}) => {
  const [a, b] = await twoTabs(page);
  await a.editCell(kinds, CITY, 1, 'Hamburg');
  await b.editCell(kinds, CITY, 1, 'Munich');
  // Another edit in B, to a cell A did not touch: a refresh keeps it.
  await b.editCell(kinds, NAME, 2, 'Mary Jackson');

  await a.push();
  await expect(notice(b)).toContainText(
    'You have pending edits on customers: refresh to rebase them onto the new data.',
  );
  await b.pushExpecting('Push refused');
  await expect(b.message()).toContainText(
    'Push refused (conflict): another tab changed 1 row(s) you edited',
  );
  await expect(b.message()).toContainText('Nothing was written and your edits are kept.');
  await expect(b.message().getByRole('button', { name: 'Show customers (2): city' })).toBeVisible();
  await expect(b.counts('customers')).toHaveText('customers: 2 updated, 0 inserted, 0 deleted');
  await b.screenshot('two-tabs-conflict');

  await b.message().getByRole('button', { name: 'Refresh (take theirs)' }).click();
  await expect(b.message()).toContainText(
    "1 of your pending edit(s) conflicted with another tab's changes",
  );
  await expect(b.message()).toContainText('The other values were taken');
  // What was dropped, yours vs theirs; and the history still shows both edits.
  await expect(b.message()).toContainText(
    "customers (2) city: yours 'Munich', theirs 'Hamburg' (theirs taken)",
  );
  const history = b.page.getByLabel('Operations since the last push');
  await expect(history.locator('li.earlier')).toHaveCount(2);
  await expect(history).toContainText('refreshed: edits above rebased, undo starts here');
  await expect(b.cell(CITY, 1)).toHaveText('Hamburg');
  await expect(b.cell(NAME, 2)).toHaveText('Mary Jackson');
  await expect(b.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await expect(b.plan()).toContainText(`UPDATE "customers" SET "name" = 'Mary Jackson'`);
  await expect(b.plan()).not.toContainText('Munich');
  await b.screenshot('two-tabs-refreshed');

  await b.push();
  await expect(a.cell(NAME, 2)).toHaveText('Mary Jackson');
  await expect(a.cell(CITY, 1)).toHaveText('Hamburg');
});

test('after a conflict, Overwrite with mine writes my value in both tabs', async ({ page }) => {
  const [a, b] = await twoTabs(page);
  await a.editCell(kinds, CITY, 1, 'Hamburg');
  await b.editCell(kinds, CITY, 1, 'Munich');

  await a.push();
  await b.pushExpecting('Push refused');
  await expect(b.message()).toContainText('another tab changed 1 row(s) you edited');

  await b.message().getByRole('button', { name: 'Overwrite with mine' }).click();
  await expect(b.message()).toContainText('Pushed customers: 1 row(s) written', {
    timeout: 60_000,
  });
  await expect(b.cell(CITY, 1)).toHaveText('Munich');
  await expect(b.plan()).toHaveText('-- nothing to push');
  await expect(a.cell(CITY, 1)).toHaveText('Munich');
  await expect(notice(a)).toContainText('Another tab pushed changes to customers.');

  // What is stored is mine: a reload of the first tab shows it.
  await a.goto();
  await expect(a.cell(CITY, 1)).toHaveText('Munich');
});

test('a cell being edited stays open, with what was typed, while another tab’s push is taken in', async ({
  page,
}) => {
  const [a, b] = await twoTabs(page);
  await expect(b.cell(NAME, 2)).not.toHaveText('');
  // Tab b opens a cell's editor and types, without committing.
  await b.selectCell(kinds, CITY, 1);
  await b.page.keyboard.press('Enter');
  await expect(b.cellEditor()).toBeFocused();
  await b.cellEditor().fill('Halle');

  await a.editCell(kinds, NAME, 2, 'Someone else');
  await a.push();
  await expect(notice(b)).toContainText('Another tab pushed changes to customers.');
  await expect(b.cell(NAME, 2)).toHaveText('Someone else');

  // The redraw that showed the other tab's edit left the editor as it was.
  await expect(b.cellEditor()).toHaveValue('Halle');
  await b.page.keyboard.press('Enter');
  await expect(b.cellEditor()).toHaveCount(0);
  await expect(b.cell(CITY, 1)).toHaveText('Halle');
  await expect(b.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
});
