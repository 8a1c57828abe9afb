import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/db/database-table';
import { ConflictError } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// Two writers change one table's schema at once. The second push meets a schema its edits were
// not made for: that is a conflict (refresh() rebases the edits and reports the schema edits it
// cannot make again), not an SQLite failure with nothing to do about it.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function writers(): Promise<[DatabaseTable, DatabaseTable]> {
  const storage = new MemoryStorage();
  const a = await nodeDatabase(storage, 'schema-races');
  open.push(a);
  await a.createTable('t', aq.table({ id: [1, 2], a: ['x', 'y'], b: [1, 2] }), {
    primaryKey: 'id',
  });
  const b = await nodeDatabase(storage, 'schema-races');
  open.push(b);
  return [await a.table('t'), await b.table('t')];
}

const RACES: [string, (t: DatabaseTable) => void, (t: DatabaseTable) => void][] = [
  [
    'both add a column of one name',
    (t) => t.addColumn('c', { type: 'INTEGER' }),
    (t) => t.addColumn('c', { type: 'TEXT' }),
  ],
  ['both rename one column', (t) => t.renameColumn('a', 'x'), (t) => t.renameColumn('a', 'y')],
  ['one drops what the other renames', (t) => t.dropColumn('b'), (t) => t.renameColumn('b', 'bb')],
];

describe('two writers changing a schema at once', () => {
  for (const [what, theirs, mine] of RACES) {
    it(`${what}: the second push is a conflict, and refresh() reports the edit it drops`, async () => {
      const [first, second] = await writers();
      theirs(first);
      await first.push();
      mine(second);
      // And a cell edit beside it, in a column it still has.
      const row = second.row(1)!;
      const column = ['b', 'bb', 'a', 'y'].find((c) => c in row)!;
      second.set(1, column, typeof row[column] === 'number' ? 7 : 'z');
      const e = await second.push().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(ConflictError);
      expect(second.changeCounts().schema).toBeGreaterThan(0);
      const conflicts = await second.refresh();
      expect(conflicts.some((c) => c.type === 'schema')).toBe(true);
      // What could be rebased goes in.
      if (second.hasChanges) await second.push();
      expect(second.hasChanges).toBe(false);
    });
  }
});
