import * as aq from 'arquero';
import { describe, expect, test } from 'vitest';
import { trackedTable, type TableInfo } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/** Every object and array of a schema is frozen: writes throw (strict mode) and change nothing. */
function expectFrozen(info: TableInfo): void {
  expect(Object.isFrozen(info)).toBe(true);
  for (const part of [info.columns, info.columns[0], info.key, info.key.columns, info.indexes])
    expect(Object.isFrozen(part)).toBe(true);
  expect(() => {
    (info.columns[0] as { name: string }).name = 'changed';
  }).toThrow(TypeError);
  expect(() => (info.columns as unknown as unknown[]).push({})).toThrow(TypeError);
}

describe('schema objects handed out are frozen', () => {
  test('db.tables() and t.info, after opening, a push and a schema change', async () => {
    const db = await nodeDatabase(new MemoryStorage());
    await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
    const t = await db.table('t');
    for (const info of [...db.tables(), t.info]) expectFrozen(info);
    t.addColumn('w', { type: 'INTEGER' });
    t.set(1, 'v', 'c');
    await t.push();
    for (const info of [...db.tables(), t.info]) expectFrozen(info);
    expect(t.info.columns.map((c) => c.name)).toEqual(['id', 'v', 'w']);
    await db.close();
  });

  test('trackedTable(): its info is frozen, and the key array it was given is not', () => {
    const key = ['id'];
    const t = trackedTable(aq.table({ id: [1], v: ['a'] }), { name: 'u', key });
    expectFrozen(t.info);
    expect(Object.isFrozen(key)).toBe(false);
  });
});
