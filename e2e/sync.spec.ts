import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Browser } from '@playwright/test';
import {
  startSampleSyncServer,
  type SampleSyncServer,
} from '../scripts/sync-demo/sample-sync-server';
import { freshDatabaseName, PlaygroundPage, SAMPLE_KINDS } from './playground-page';

/**
 * The playground synced through a real sync server (pandalchemy/server over PGlite in a temporary
 * folder, on a port chosen at run time, as `npm run dev:sync` runs it), by two browsers: separate
 * contexts, so separate IndexedDB, as two devices.
 */
const test = base.extend<object, { server: SampleSyncServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function takes
    async ({}, use) => {
      const data = mkdtempSync(join(tmpdir(), 'pandalchemy-e2e-sync-'));
      const server = await startSampleSyncServer({
        data,
        port: 0,
        tokens: {
          'token-a': { user: 'ada', device: 'a' },
          'token-b': { user: 'bob', device: 'b' },
        },
      });
      await use(server);
      await server.close();
      rmSync(data, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

const kinds = SAMPLE_KINDS['customers']!;
const CITY = 4;

/** A device: its own browser context (storage), the playground open on the synced database. */
async function device(browser: Browser, server: SampleSyncServer, token: string) {
  const context = await browser.newContext();
  const pg = new PlaygroundPage(await context.newPage(), freshDatabaseName());
  const params = new URLSearchParams({ db: pg.db, sync: server.url, token });
  await pg.page.goto(`/?${params}`);
  // A new device loads the tables from the server, then shows the first.
  await pg.waitForTable('customers');
  return { context, pg };
}

const status = (pg: PlaygroundPage) => pg.page.getByRole('status', { name: 'Sync status' });
const outbox = (pg: PlaygroundPage) => pg.page.getByTestId('sync-outbox');

test('two browsers sync: an edit shows in the other; a push made offline waits, is refused, and is resolved by Take theirs', async ({
  browser,
  server,
}) => {
  const { context: ca, pg: a } = await device(browser, server, 'token-a');
  const { pg: b } = await device(browser, server, 'token-b');
  await expect(status(a)).toHaveText('online');
  await expect(status(b)).toHaveText('online');
  await expect(b.cell(CITY, 0)).toHaveText('Dresden');
  // The first load from the server is no change another device made.
  await expect(b.page.getByRole('status', { name: 'Changes from another tab' })).toHaveCount(0);

  // Pushed in A: committed there, sent, and shown in B.
  await a.editCell(kinds, CITY, 0, 'Leipzig');
  await a.push();
  await expect(b.cell(CITY, 0)).toHaveText('Leipzig');
  await expect(b.page.getByRole('status', { name: 'Changes from another tab' })).toContainText(
    'Another tab or device pushed changes to customers.',
  );
  await expect(outbox(a)).toHaveCount(0);
  await expect(status(a)).toHaveText('online');

  // A goes offline: its push commits there and waits in the outbox.
  await ca.setOffline(true);
  await expect(status(a)).toHaveText('offline');
  await expect(status(a)).toHaveAttribute('title', /offline: The browser is offline/);
  await a.editCell(kinds, CITY, 1, 'Munich');
  await a.push();
  await expect(outbox(a)).toHaveText('1 push waiting to sync');

  // Meanwhile B changes the same cell, and the server takes B's push.
  await b.editCell(kinds, CITY, 1, 'Hamburg');
  await b.push();
  await b.button('Sync now').click();
  await expect(b.button('Sync now')).toBeEnabled();
  await expect(status(b)).toHaveText('online');
  await expect(outbox(b)).toHaveCount(0);

  // A back online (it connects again at once): its push is refused, undone, and its edit is pending again, contested.
  await ca.setOffline(false);
  await expect(a.message()).toContainText(
    'The sync server refused a push (conflict): another device changed 1 row(s) you edited',
  );
  await expect(a.message()).toContainText(
    "customers (2) city: yours 'Munich', theirs 'Hamburg' (yours kept)",
  );
  await expect(outbox(a)).toHaveCount(0);
  await expect(a.cell(CITY, 1)).toHaveText('Munich');
  await expect(a.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  await a.screenshot('sync-refused');

  await a.message().getByRole('button', { name: 'Take theirs' }).click();
  await expect(a.message()).toContainText('Took theirs: 1 contested edit(s) dropped');
  await expect(a.cell(CITY, 1)).toHaveText('Hamburg');
  await expect(a.plan()).toHaveText('-- nothing to push');
  await expect(status(a)).toHaveText('online');
  await expect(b.cell(CITY, 1)).toHaveText('Hamburg');

  // Paused on purpose: pushes wait; resumed, they go.
  await b.button('Pause sync').click();
  await expect(status(b)).toHaveText('offline (paused)');
  await b.editCell(kinds, CITY, 2, 'Berlin');
  await b.push();
  await expect(outbox(b)).toHaveText('1 push waiting to sync');
  await b.button('Resume sync').click();
  await expect(a.cell(CITY, 2)).toHaveText('Berlin');
  await expect(outbox(b)).toHaveCount(0);
});

test('a push the server’s CHECK refuses comes back pending, named by its code; Take theirs restores the server’s value', async ({
  browser,
  server,
}) => {
  const { pg: a } = await device(browser, server, 'token-a');
  await a.selectTable('stock');
  const stock = SAMPLE_KINDS['stock']!;
  const QTY = 2;
  const before = await a.cell(QTY, 0).textContent();
  // The local table is made from the server's columns, without its CHECK (qty >= 0): the push
  // commits here, and the server refuses it.
  await a.editCell(stock, QTY, 0, '-5', 90);
  // Pushed here, then refused by the server: the refusal can replace "Pushed" before it is seen.
  await a.button('Push').click();
  await expect(a.message()).toContainText('The sync server refused a push (constraint)');
  await expect(a.message()).toContainText('pending again');
  await expect(a.cell(QTY, 0)).toHaveText('-5');
  await expect(a.counts('stock')).toHaveText('stock: 1 updated, 0 inserted, 0 deleted');
  await expect(a.message().getByRole('button', { name: 'Overwrite with mine' })).toHaveCount(0);

  await a.message().getByRole('button', { name: 'Take theirs' }).click();
  await expect(a.cell(QTY, 0)).toHaveText(before!);
  await expect(a.plan()).toHaveText('-- nothing to push');
});

test('a browser offline for 50 pushes while another pushes: back online, every accepted edit is everywhere and the refused one is reported', async ({
  browser,
  server,
}) => {
  // Unbundled modules and StrictMode make the dev server's page slower: more time there.
  test.setTimeout(test.info().project.name === 'dev' ? 600_000 : 240_000);
  const { context: ca, pg: a } = await device(browser, server, 'token-a');
  const { pg: b } = await device(browser, server, 'token-b');
  const NAME = 1;
  // Offline, nothing the page needs may be missing (an editor loaded on first use once was).
  const errors: string[] = [];
  a.page.on('pageerror', (e) => errors.push(e.message));
  if (test.info().project.name === 'dev') {
    // The dev server serves each module when it is first imported: open the cell editor (loaded
    // on first use) once while online. The production build holds it in the grid's chunk.
    await a.selectCell(kinds, CITY, 1);
    await a.page.keyboard.press('Enter');
    await expect(a.cellEditor()).toBeFocused();
    await a.page.keyboard.press('Escape');
    await expect(a.cellEditor()).toHaveCount(0);
  }
  await ca.setOffline(true);
  await expect(status(a)).toHaveText('offline');

  // B, online, changes a cell A will change offline, and another column of a row A changes.
  await b.editCell(kinds, CITY, 13, 'B-city');
  await b.push();
  await b.editCell(kinds, NAME, 3, 'B-name');
  await b.push();
  await b.button('Sync now').click();
  await expect(outbox(b)).toHaveCount(0);

  // A, offline: 49 pushes over ten rows B did not touch in that column, then one over B's cell.
  // (Three rows apart: the grid moves the selection down after an edit, and a click on the
  // selected cell would open its editor.)
  const rowOf = (i: number) => 3 + ((i * 3) % 10);
  const last = new Map<number, number>();
  for (let i = 0; i < 49; i++) {
    last.set(rowOf(i), i);
    await a.editCell(kinds, CITY, rowOf(i), `A${i}`);
    await a.push();
    await expect(outbox(a)).toHaveText(`${i + 1} push${i ? 'es' : ''} waiting to sync`);
  }
  await a.editCell(kinds, CITY, 13, 'A-late');
  await a.push();
  await expect(outbox(a)).toHaveText('50 pushes waiting to sync');

  await ca.setOffline(false);
  await expect(a.message()).toContainText(
    'The sync server refused a push (conflict): another device changed 1 row(s) you edited',
    { timeout: 120_000 },
  );
  await expect(a.message()).toContainText("city: yours 'A-late', theirs 'B-city' (yours kept)");
  await expect(outbox(a)).toHaveCount(0);
  await expect(status(a)).toHaveText('online');
  // The last value A pushed into each of the ten rows, on both devices; B's name merged in.
  for (const [r, i] of last) {
    await expect(b.cell(CITY, r)).toHaveText(`A${i}`);
    await expect(a.cell(CITY, r)).toHaveText(`A${i}`);
  }
  await expect(a.cell(NAME, 3)).toHaveText('B-name');
  await expect(b.cell(CITY, 13)).toHaveText('B-city');
  await expect(a.counts('customers')).toHaveText('customers: 1 updated, 0 inserted, 0 deleted');
  expect(errors).toEqual([]);
});
