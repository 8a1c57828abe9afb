import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { ConflictError } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// Another writer drops a table this writer has pending edits in. The push is a conflict (the rows
// are gone), not an invalid plan; refresh() reports every edit it cannot make again, and the
// edits of other tables still go in.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function two(): Promise<[Database, Database]> {
  const storage = new MemoryStorage();
  const a = await nodeDatabase(storage, 'dropped');
  open.push(a);
  await a.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
  await a.createTable('u', aq.table({ id: [1], w: [10] }), { primaryKey: 'id' });
  const b = await nodeDatabase(storage, 'dropped');
  open.push(b);
  return [a, b];
}

describe('a table dropped under pending edits', () => {
  it('the push is a conflict; refresh() reports the edits and the other table goes in', async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    const u = await a.table('u');
    t.set(1, 'v', 'mine');
    t.delete(2);
    t.insert({ id: 3, v: 'new' });
    u.set(1, 'w', 11);
    await b.dropTable('t');
    const e = await a.push().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).message).toContain('dropped table "t"');
    expect(u.hasChanges && t.hasChanges).toBe(true);
    const conflicts = await a.refresh();
    expect(conflicts.filter((c) => c.table === 't').map((c) => [c.type, c.key, c.kept])).toEqual([
      ['delete', [2], false],
      ['update', [1], false],
      ['insert', [3], false],
    ]);
    // Reported once.
    expect(await a.refresh()).toEqual([]);
    await a.push();
    expect((await a.query('SELECT w FROM u')).objects()).toEqual([{ w: 11 }]);
    expect(a.tableNames()).toEqual(['u']);
  });

  it("a table's own refresh() reports its edits, when the drop was taken in before", async () => {
    const [a, b] = await two();
    const t = await a.table('t');
    t.set(2, 'v', 'mine');
    await b.dropTable('t');
    const conflicts = await t.refresh();
    expect(conflicts).toMatchObject([{ table: 't', type: 'update', key: [2], kept: false }]);
  });
});
