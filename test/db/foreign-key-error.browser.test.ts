import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { expect, it } from 'vitest';
import { ForeignKeyError, openDatabase } from '../../src/index';

it('names the rows a foreign key refuses, through the worker, and writes nothing', async () => {
  const SQL = await initSqlJs({ locateFile: () => wasmUrl });
  const raw = new SQL.Database();
  raw.run(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id));
    INSERT INTO customers VALUES (1, 'Ada'); INSERT INTO orders VALUES (10, 1);`);
  const bytes = raw.export();
  raw.close();
  const name = `fk-${crypto.randomUUID()}`;
  const db = await openDatabase(name);
  try {
    await db.import(bytes);
    const customers = await db.table('customers');
    customers.delete(1);
    const e = await customers.push().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ForeignKeyError);
    const fk = e as ForeignKeyError;
    expect([fk.code, fk.table, fk.key]).toEqual(['constraint', 'orders', [10]]);
    expect(fk.violations[0]).toMatchObject({ parent: 'customers', columns: ['customer_id'] });
    expect(customers.changeCounts().deletes).toBe(1);
    const other = await openDatabase(name);
    expect((await other.query('SELECT count(*) AS n FROM customers')).get('n', 0)).toBe(1);
    await other.close();
  } finally {
    await db.close();
  }
});
