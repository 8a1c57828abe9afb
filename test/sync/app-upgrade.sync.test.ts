import { afterEach, expect, inject, test } from 'vitest';
import { openDatabase, type Database } from '../../src/index';

/*
 * A new version of an app syncs one more table: the device, opened again with it in
 * `sync.tables`, loads that table from the server and follows it, its IndexedDB saying which
 * tables it follows (a device used to load its tables only when new).
 */

const url = inject('syncUrl');
const open: Database[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function device(name: string, token: string, tables: string[]): Promise<Database> {
  const db = await openDatabase(name, { sync: { url, token, tables } });
  open.push(db);
  await db.sync();
  return db;
}

test('a table added to sync.tables of a device that synced before is loaded, then followed', async () => {
  const b = await device(`upgrade-b-${Math.random()}`, 'token-b', ['upgrade_second']);
  const second = await b.table('upgrade_second');
  second.insert({ id: 1, title: 'from b' });
  await b.push();
  await b.sync();

  const name = `upgrade-a-${Math.random()}`;
  const a = await device(name, 'token-a', ['upgrade_first']);
  expect(a.tableNames()).toEqual(['upgrade_first']);
  await a.close();
  open.splice(open.indexOf(a), 1);

  const upgraded = await device(name, 'token-a', ['upgrade_first', 'upgrade_second']);
  const loaded = await upgraded.table('upgrade_second');
  expect(loaded.table().objects()).toEqual([{ id: 1, title: 'from b' }]);

  second.set(1, 'title', 'b again');
  await b.push();
  await b.sync();
  await upgraded.sync();
  expect(loaded.table().objects()).toEqual([{ id: 1, title: 'b again' }]);
});
