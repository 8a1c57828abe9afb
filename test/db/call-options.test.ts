import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/db/database-table';
import { PandalchemyError } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// Options and arguments of the wrong kind are refused with invalid_argument before anything runs:
// a misspelt option (`{ conflcit: 'overwrite' }`, `{ conflict: 'overwite' }`) used to be ignored,
// the push going in as the default, and others failed as TypeErrors or as an SQLite error.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function setup(): Promise<[Database, DatabaseTable]> {
  const db = await nodeDatabase(new MemoryStorage(), 'options');
  open.push(db);
  await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'], n: [1, 2] }), {
    primaryKey: 'id',
  });
  const t = await db.table('t');
  t.set(1, 'v', 'pending');
  return [db, t];
}

async function refusal(call: () => unknown): Promise<string | null> {
  try {
    await call();
  } catch (e) {
    if (e instanceof PandalchemyError) return e.code;
    return `not a PandalchemyError: ${String(e)}`;
  }
  return null;
}

const CALLS: [string, (db: Database, t: DatabaseTable) => unknown][] = [
  ['push({ conflcit })', (_db, t) => t.push({ conflcit: 'overwrite' } as never)],
  ["push({ conflict: 'overwite' })", (_db, t) => t.push({ conflict: 'overwite' } as never)],
  // An option named like an Object.prototype member is unknown (it was a TypeError).
  ['push({ constructor: 1 })', (_db, t) => t.push({ constructor: 1 } as never)],
  ['refresh({ toString: 1 })', (_db, t) => t.refresh({ toString: 1 } as never)],
  ['push(null)', (_db, t) => t.push(null as never)],
  ['push({ passes: 5 })', (_db, t) => t.push({ passes: 5 } as never)],
  ['push({ passes: [5] })', (_db, t) => t.push({ passes: [5] } as never)],
  ['push({ onProgress: 5 })', (_db, t) => t.push({ onProgress: 5 } as never)],
  ["db.push({ conflict: 'x' })", (db) => db.push({ conflict: 'x' } as never)],
  ['db.plan({ passes: 5 })', (db) => db.plan({ passes: 5 } as never)],
  ['plan({ withoutGuards: 1 })', (_db, t) => t.plan({ withoutGuards: 1 } as never)],
  ["refresh({ policy: 'mine' })", (_db, t) => t.refresh({ policy: 'mine' } as never)],
  ['db.refresh([])', (db) => db.refresh([] as never)],
  [
    'import(bytes, { policy: 1 })',
    async (db) => db.import(await db.export(), { policy: 1 } as never),
  ],
  ["import('a string')", (db) => db.import('SQLite format 3' as never)],
  ['import(a promise of the bytes)', (db) => db.import(db.export() as never)],
  ['import({ bytes })', async (db) => db.import({ bytes: await db.export() } as never)],
  ['db.table(t, { onProgress: 1 })', (db) => db.table('t', { onProgress: 1 } as never)],
  ['checkpoint(null)', (db) => db.checkpoint(null as never)],
  [
    "transform(fn, { match: 'rows' })",
    (_db, t) => t.transform((x) => x, { match: 'rows' } as never),
  ],
  ['retypeColumn(v, INTEGER, null)', (_db, t) => t.retypeColumn('v', 'INTEGER', null as never)],
  [
    "retypeColumn(v, INTEGER, { invalid: 'drop' })",
    (_db, t) => t.retypeColumn('v', 'INTEGER', { invalid: 'drop' } as never),
  ],
  [
    "createIndex(i, v, { unique: 'yes' })",
    (_db, t) => t.createIndex('i', 'v', { unique: 'yes' } as never),
  ],
  ['rowRefs(null)', (_db, t) => t.rowRefs(null as never)],
  ['rowRefs({ deleted: true })', (_db, t) => t.rowRefs({ deleted: true } as never)],
  ['refsOf(null)', (_db, t) => t.refsOf(null as never)],
  ['setCells([null])', (_db, t) => t.setCells([null] as never)],
  ["assign('n', null)", (_db, t) => t.assign('n', null as never)],
  ["assign('n', undefined)", (_db, t) => t.assign('n', undefined as never)],
  ["assign('n', 'ab')", (_db, t) => t.assign('n', 'ab' as never)],
];

describe('an option or argument of the wrong kind', () => {
  for (const [name, call] of CALLS) {
    it(`${name} is refused with invalid_argument, nothing written, edits kept`, async () => {
      const [db, t] = await setup();
      const shown = t.table().objects();
      expect(await refusal(() => call(db, t))).toBe('invalid_argument');
      expect(t.table().objects()).toEqual(shown);
      expect(t.changeCounts()).toMatchObject({ updates: 1, inserts: 0, deletes: 0, schema: 0 });
      expect((await db.query('SELECT v FROM t WHERE id = 1')).objects()).toEqual([{ v: 'a' }]);
    });
  }

  it('options given as undefined fields are the defaults', async () => {
    const [db, t] = await setup();
    await t.push({ conflict: undefined, passes: undefined, onProgress: undefined } as never);
    expect((await db.query('SELECT v FROM t WHERE id = 1')).objects()).toEqual([{ v: 'pending' }]);
  });
});
