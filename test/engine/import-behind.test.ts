import { describe, expect, it } from 'vitest';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

const fileWith = async (sql: string): Promise<Uint8Array> => {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = db.export();
  db.close();
  return bytes;
};

const insert = (body: string): ExecutionPlan => ({
  version: 2,
  steps: [
    {
      kind: 'insert',
      table: 'notes',
      key: [],
      keyTypes: [],
      columns: ['body'],
      types: [''],
      values: [[body]],
      count: 1,
    },
  ],
});

describe('import by an engine behind the others', () => {
  it('becomes a later commit than theirs, so that every engine reloads to the imported file', async () => {
    const storage = new MemoryStorage();
    const a = await memoryEngine(storage);
    await a.importDatabase(
      await fileWith('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)'),
    );
    // b opens at a's import and never hears of a's commits (no coordinator): it is behind.
    const b = await memoryEngine(storage);
    await a.apply(insert('from a'), { pushId: 'a1' });
    await b.importDatabase(await fileWith('CREATE TABLE other (x INTEGER)'));
    for (const e of [a, b, await memoryEngine(storage)]) {
      expect((await e.state()).tables.map((t) => t.name)).toEqual(['other']);
    }
  });
});
