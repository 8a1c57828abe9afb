import { expect, test } from '@playwright/test';
import { COLORS, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('an unpushed edit is saved in this browser and still pending, highlighted, after a reload', async ({
  page,
}) => {
  const pg = await PlaygroundPage.open(page);
  await pg.editCell(kinds, 4, 0, 'Leipzig');
  await pg.editCell(kinds, 1, 2, 'Ada Lovelace');
  await pg.button('Undo').click();
  await expect(pg.page.getByTestId('draft-note')).toHaveText(
    '1 unpushed edit, saved in this browser',
  );
  await pg.screenshot('draft-saved');

  await pg.goto();
  await expect(pg.cell(4, 0)).toHaveText('Leipzig');
  await expect.poll(() => pg.cellColor(kinds, 4, 0)).toEqual(COLORS.changed);
  await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await expect(pg.plan()).toContainText(
    `UPDATE "customers" SET "city" = 'Leipzig' WHERE "id" = 1;`,
  );
  await expect(pg.page.getByTestId('draft-note')).toHaveText(
    '1 unpushed edit, saved in this browser',
  );
  await pg.screenshot('draft-restored');

  // The redo history came back too; a push clears the draft.
  await pg.button('Redo').click();
  await expect(pg.cell(1, 2)).toHaveText('Ada Lovelace');
  await pg.push();
  await expect(pg.counts('customers')).toHaveCount(0);
  await expect(pg.page.getByTestId('draft-note')).toHaveCount(0);
  await pg.goto();
  await expect(pg.cell(1, 2)).toHaveText('Ada Lovelace');
  await expect.poll(() => pg.cellColor(kinds, 1, 2)).toEqual(COLORS.plain);
});
