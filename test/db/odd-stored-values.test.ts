import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { PandalchemyError } from '../../src/index';
import { nodeDatabaseFrom } from '../support/node-database';

// SQLite keeps whatever a column is given: 2 in a BOOLEAN column, 'hello' in a DATE one, 'abc' in
// an INTEGER one. Such a value loads as it is; written back to its own cell it is no change (a
// cell set to its current value is no change), where any other value the column refuses is an
// `invalid_value` error.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function oddTable(): Promise<Database> {
  const db = await nodeDatabaseFrom(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, flag BOOLEAN, day DATE, n INTEGER); INSERT INTO t VALUES (1, 2, 'hello', 'abc'), (2, 1, '2024-02-30', 5)",
    'odd',
  );
  open.push(db);
  return db;
}

const CELLS = [
  [1, 'flag'],
  [1, 'day'],
  [1, 'n'],
  [2, 'day'],
] as const;

describe('a value the column refuses but its cell holds', () => {
  it('written back to its own cell, by every way of writing a cell, is no change', async () => {
    const db = await oddTable();
    const t = await db.table('t');
    for (const [id, column] of CELLS) {
      const now = t.get(id, column);
      t.set(id, column, now);
      t.update(id, { [column]: now });
      t.setCells([{ key: id, column, value: now }]);
      t.setAt(t.refOf(id)!, column, now);
      t.upsert({ id, [column]: now });
    }
    expect(t.hasChanges).toBe(false);
    expect(t.operations()).toEqual([]);
  });

  it('any other value the column refuses is still an invalid_value error, the table unchanged', async () => {
    const db = await oddTable();
    const t = await db.table('t');
    const attempts: (() => unknown)[] = [
      () => t.set(1, 'flag', 3),
      () => t.set(2, 'flag', 2),
      () => t.update(1, { n: 'abd' }),
      () => t.setCells([{ key: 1, column: 'day', value: 'hellO' }]),
    ];
    for (const attempt of attempts) {
      let code: string | undefined;
      try {
        attempt();
      } catch (e) {
        code = e instanceof PandalchemyError ? e.code : String(e);
      }
      expect(code).toBe('invalid_value');
    }
    expect(t.hasChanges).toBe(false);
  });
});
