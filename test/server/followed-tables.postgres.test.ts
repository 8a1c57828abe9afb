import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryStorage } from '../support/node-database';
import { nodeDevices, rowsOf, synced, type NodeDevices } from './node-devices';

/*
 * A device loads every synced table whose server commits it has not all taken in, whenever it
 * connects, not only when it is new: one an app's new version added to `sync.tables`, one it
 * stopped syncing for a while, one it was not allowed to read while commits went by (the server
 * sends a commit's effects on readable tables only, so the device's copy misses them for good).
 */

let w: NodeDevices;
let bMayRead = true;
beforeAll(async () => {
  w = await nodeDevices(
    [
      `CREATE TABLE first (id bigint PRIMARY KEY, title text)`,
      `INSERT INTO first VALUES (1, 'one')`,
      `CREATE TABLE second (id bigint PRIMARY KEY, title text)`,
      `INSERT INTO second VALUES (1, 'uno')`,
      `CREATE TABLE project (id bigint PRIMARY KEY, title text)`,
      `INSERT INTO project VALUES (1, 'one')`,
    ],
    ['first', 'second', 'project'],
    {
      authorize: (who, table, access) =>
        access !== 'schema' && (who.device !== 'b' || table !== 'project' || bMayRead),
    },
  );
});
afterAll(() => w.close());

const serverRows = async (table: string) =>
  (await w.pool.query(`SELECT id::int, title FROM ${table} ORDER BY id`)).rows;

test('a table added to sync.tables of a device that synced before is loaded, then followed', async () => {
  const storage = new MemoryStorage();
  const a = await w.device('tok-a', ['first'], storage, 'upgraded');
  await w.closeDevice(a);
  const a2 = await w.device('tok-a', ['first', 'second'], storage, 'upgraded');
  expect(await rowsOf(a2, 'second')).toEqual(await serverRows('second'));
  const c = await w.device('tok-c', ['second']);
  const second = await c.table('second');
  second.set(1, 'title', 'uno from c');
  await second.push();
  await synced(c);
  await synced(a2);
  expect(await rowsOf(a2, 'second')).toEqual([{ id: 1, title: 'uno from c' }]);
});

test('a table a device stopped syncing, then synced again, is loaded with the commits it missed', async () => {
  const storage = new MemoryStorage();
  const a = await w.device('tok-a', ['first', 'second'], storage, 'paused-table');
  await w.closeDevice(a);
  const a2 = await w.device('tok-a', ['first'], storage, 'paused-table');
  const c = await w.device('tok-c', ['first', 'second']);
  const [first, second] = [await c.table('first'), await c.table('second')];
  first.set(1, 'title', `one ${Math.random()}`);
  second.insert({ id: 2, title: 'missed' });
  await c.push();
  await synced(c);
  await synced(a2); // takes in the commit: of `first` only
  await w.closeDevice(a2);
  const a3 = await w.device('tok-a', ['first', 'second'], storage, 'paused-table');
  expect(await rowsOf(a3, 'second')).toEqual(await serverRows('second'));
  expect(await rowsOf(a3, 'first')).toEqual(await serverRows('first'));
});

test('read access taken away, then given back: the device gets the rows written meanwhile', async () => {
  const storage = new MemoryStorage();
  const a = await w.device('tok-a', ['project']);
  const b = await w.device('tok-b', ['project', 'first'], storage, 'rights-b');
  await w.closeDevice(b);
  bMayRead = false;
  try {
    const project = await a.table('project');
    project.insert({ id: 2, title: 'written while b could not read' });
    await project.push();
    await synced(a);
    // b connects meanwhile: it takes in the commit, which says nothing of `project` to it.
    const revoked = await w.device('tok-b', ['project', 'first'], storage, 'rights-b');
    expect(revoked.syncStatus?.serverSeq).toBe(a.syncStatus?.serverSeq);
    await w.closeDevice(revoked);
  } finally {
    bMayRead = true;
  }
  const b2 = await w.device('tok-b', ['project', 'first'], storage, 'rights-b');
  expect(await rowsOf(b2, 'project')).toEqual(await serverRows('project'));
  // And it follows the table again.
  const project = await a.table('project');
  project.set(2, 'title', 'after');
  await project.push();
  await synced(a);
  await synced(b2);
  expect(await rowsOf(b2, 'project')).toEqual(await serverRows('project'));
});
