import * as aq from 'arquero';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { MemoryStorage, loadSql } from '../support/memory-storage';
import { nodeDatabase } from '../support/node-database';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

async function fileWith(sql: string[]): Promise<Uint8Array> {
  const SQL = await loadSql();
  const f = new SQL.Database();
  try {
    for (const s of sql) f.run(s);
    return f.export();
  } finally {
    f.close();
  }
}

it('import() called while a push is in flight waits for it, then replaces the database and reloads every table', async () => {
  const storage = new MemoryStorage();
  const db = await nodeDatabase(storage, 'imp');
  opened.push(db);
  const file = await fileWith([
    'CREATE TABLE x (id INTEGER PRIMARY KEY, v TEXT)',
    'CREATE TABLE z (id INTEGER PRIMARY KEY, v TEXT)',
    "INSERT INTO z VALUES (7, 'from the file')",
  ]);
  const y = await db.createTable('y', aq.table({ id: [1], v: ['a'] }), { primaryKey: 'id' });
  const z = await db.createTable('z', aq.table({ id: [1], v: ['z-row'] }), { primaryKey: 'id' });
  const sources: string[] = [];
  db.on('change', (e) => sources.push(e.source));
  y.set(1, 'v', 'b');
  const push = y.push();
  const imported = db.import(file);
  await expect(push).resolves.toBeDefined();
  await expect(imported).resolves.toEqual([]);
  expect(db.tableNames()).toEqual(['x', 'z']);
  expect(z.table().objects()).toEqual([{ id: 7, v: 'from the file' }]);
  expect(z.stale).toBe(false);
  expect(y.stale).toBe(true);
  expect(sources).toContain('import');
  const reopened = await nodeDatabase(storage, 'imp');
  opened.push(reopened);
  expect(reopened.tableNames()).toEqual(['x', 'z']);
});
