import { expect, test } from '@playwright/test';
import { COLORS, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('highlights an edited cell and previews it as SQL before pushing', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  await expect(pg.cell(4, 0)).toHaveText('Dresden');
  await expect(pg.plan()).toHaveText('-- nothing to push');

  await pg.editCell(kinds, 4, 0, 'Leipzig');

  await expect(pg.cell(4, 0)).toHaveText('Leipzig');
  await expect.poll(() => pg.cellColor(kinds, 4, 0)).toEqual(COLORS.changed);
  await expect.poll(() => pg.cellColor(kinds, 3, 0)).toEqual(COLORS.plain);
  await expect(pg.plan()).toContainText(
    `UPDATE "customers" SET "city" = 'Leipzig' WHERE "id" = 1;`,
  );
  await expect(pg.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await pg.screenshot('edit-pending');
});
