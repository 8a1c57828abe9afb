import * as aq from 'arquero';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RefusedPush } from '../../src/index';
import { nodeDevices, rowsOf, synced, type NodeDevices } from './node-devices';

/*
 * A push that writes a synced table and a local-only one in one go: the outbox sends only the
 * synced table's steps. The server would refuse the whole push (`forbidden`: a table it does not
 * sync) and undo the synced edit, for a table that was never meant to leave the device.
 */

let w: NodeDevices;
beforeAll(async () => {
  w = await nodeDevices(
    [
      `CREATE TABLE notes (id bigint PRIMARY KEY, title text)`,
      `INSERT INTO notes VALUES (1, 'one')`,
    ],
    ['notes'],
  );
});
afterAll(() => w.close());

test('one push over a synced and a local-only table: the synced edit reaches the server, the local one stays', async () => {
  const a = await w.device('tok-a', ['notes']);
  const refusals: RefusedPush[] = [];
  a.on('refused', (r) => refusals.push(r));
  await a.createTable('prefs', aq.table({ id: [1], theme: ['dark'] }), { primaryKey: 'id' });
  const notes = await a.table('notes');
  const prefs = await a.table('prefs');
  notes.set(1, 'title', 'one from a');
  prefs.set(1, 'theme', 'blue');
  await a.push();
  await synced(a);
  expect(refusals).toEqual([]);
  expect(a.syncStatus).toMatchObject({ outbox: 0, state: 'online' });
  expect(await rowsOf(a, 'prefs')).toEqual([{ id: 1, theme: 'blue' }]);
  expect(await rowsOf(a, 'notes')).toEqual([{ id: 1, title: 'one from a' }]);
  expect((await w.pool.query('SELECT id::int, title FROM notes')).rows).toEqual([
    { id: 1, title: 'one from a' },
  ]);
  // Another device sees the synced edit, and no table it was never meant to have.
  const b = await w.device('tok-b', ['notes']);
  expect(await rowsOf(b, 'notes')).toEqual([{ id: 1, title: 'one from a' }]);
  expect(b.tableNames()).toEqual(['notes']);
});
