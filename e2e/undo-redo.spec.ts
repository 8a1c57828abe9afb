import { expect, test } from '@playwright/test';
import { PlaygroundPage, SAMPLE_KINDS } from './playground-page';

const kinds = SAMPLE_KINDS['customers']!;

test('undoes and redoes edits with the buttons and the keyboard', async ({ page }) => {
  const pg = await PlaygroundPage.open(page);
  const name = await pg.cell(1, 1).textContent();
  await pg.editCell(kinds, 4, 0, 'Leipzig');
  await pg.editCell(kinds, 1, 1, 'Grace Hopper');
  await expect(pg.cell(1, 1)).toHaveText('Grace Hopper');

  await pg.button('Undo').click();
  await expect(pg.cell(1, 1)).toHaveText(name!);
  await expect(pg.cell(4, 0)).toHaveText('Leipzig');

  await pg.selectCell(kinds, 2, 3);
  await page.keyboard.press('Control+z');
  await expect(pg.cell(4, 0)).toHaveText('Dresden');
  await expect(pg.plan()).toHaveText('-- nothing to push');
  await expect(pg.button('Undo')).toBeDisabled();

  await pg.button('Redo').click();
  await expect(pg.cell(4, 0)).toHaveText('Leipzig');
  await page.keyboard.press('Control+Shift+z');
  await expect(pg.cell(1, 1)).toHaveText('Grace Hopper');
  await expect(pg.button('Redo')).toBeDisabled();
  await expect(pg.plan()).toContainText(`SET "city" = 'Leipzig' WHERE "id" = 1;`);
  await expect(pg.plan()).toContainText(`SET "name" = 'Grace Hopper' WHERE "id" = 2;`);
});
