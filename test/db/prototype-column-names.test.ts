import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { nodeDatabaseFrom } from '../support/node-database';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

// Column names that are Object.prototype's: assigned to a plain object, `__proto__` sets its
// prototype and the row lacks the column.
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

it('rows and changes hold columns named after Object.prototype members', async () => {
  const db = await nodeDatabaseFrom(
    `CREATE TABLE t (id INTEGER PRIMARY KEY, ${NAMES.map((n) => `"${n}" TEXT`).join(', ')});` +
      `INSERT INTO t VALUES (1, ${NAMES.map((n) => `'${n} 1'`).join(', ')})`,
  );
  opened.push(db);
  const t = await db.table('t');
  const row = t.row(1)!;
  expect(Object.keys(row)).toEqual(['id', ...NAMES]);
  for (const n of NAMES) expect(Object.getOwnPropertyDescriptor(row, n)?.value).toBe(`${n} 1`);
  expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  t.set(1, '__proto__', 'changed');
  // As JSON from a server gives it: '__proto__' an own field.
  t.insert(JSON.parse('{ "id": 2, "__proto__": "new", "constructor": "c" }') as never);
  // An object literal's __proto__ sets its prototype: no such column is given.
  t.insert({ id: 3 });
  const changes = t.changes();
  const update = changes.updates[0]!;
  expect(Object.getOwnPropertyDescriptor(update.newValues, '__proto__')?.value).toBe('changed');
  expect(Object.getOwnPropertyDescriptor(update.oldValues, '__proto__')?.value).toBe('__proto__ 1');
  await t.push();
  const stored = (await db.query('SELECT "__proto__" AS p FROM t ORDER BY id')).array('p');
  expect(Array.from(stored)).toEqual(['changed', 'new', null]);
  expect(t.row(3)!.toString).toBeNull();
});
