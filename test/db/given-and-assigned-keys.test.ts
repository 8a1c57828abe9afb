import * as aq from 'arquero';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { MemoryStorage } from '../support/memory-storage';
import { nodeDatabase } from '../support/node-database';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

async function open(): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), 'keys');
  opened.push(db);
  return db;
}

const rowsOf = async (db: Database, table: string): Promise<unknown[]> =>
  (await db.query(`SELECT id, v FROM "${table}" ORDER BY id`)).objects();

describe('rows that leave their INTEGER PRIMARY KEY to SQLite, beside rows that give one', () => {
  it('createTable: a row without a key before one with a key', async () => {
    const db = await open();
    await db.createTable('t', aq.table({ id: [null, 1], v: ['a', 'b'] }), {
      primaryKey: 'id',
      types: { id: 'INTEGER', v: 'TEXT' },
    });
    expect(await rowsOf(db, 't')).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'a' },
    ]);
  });

  it('insert(): a row without a key takes none of the keys the push gives', async () => {
    const db = await open();
    const t = await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), {
      primaryKey: 'id',
    });
    t.insert([{ v: 'x' }, { id: 3, v: 'y' }]);
    await t.push();
    expect(await rowsOf(db, 't')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'y' },
      { id: 4, v: 'x' },
    ]);
    expect(t.table().objects()).toEqual(await rowsOf(db, 't'));
  });

  it('property: any mix of rows giving free keys and rows giving none is pushed whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: 3, max: 8 }), { nil: null }), { maxLength: 12 }),
        async (keys) => {
          const db = await open();
          const t = await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), {
            primaryKey: 'id',
          });
          const seen = new Set<number>();
          const rows = keys
            .filter((k) => k === null || (!seen.has(k) && seen.add(k)))
            .map((k, i) => (k === null ? { v: `n${i}` } : { id: k, v: `g${i}` }));
          t.insert(rows);
          await t.push();
          const stored = (await rowsOf(db, 't')) as { id: number; v: string }[];
          expect(stored.length).toBe(2 + rows.length);
          for (const r of rows)
            if ('id' in r) expect(stored.find((s) => s.id === r.id)?.v).toBe(r.v);
            else expect(stored.filter((s) => s.v === r.v)).toHaveLength(1);
          await db.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
