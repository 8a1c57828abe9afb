import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import {
  ForeignKeyError,
  PandalchemyError,
  fromSerializedError,
} from '../../src/errors/pandalchemy-error';
import { loadSql } from '../support/memory-storage';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

async function databaseWith(sql: string): Promise<Database> {
  const SQL = await loadSql();
  const raw = new SQL.Database();
  raw.run(sql);
  const bytes = raw.export();
  raw.close();
  const db = await nodeDatabase(new MemoryStorage());
  await db.import(bytes);
  return db;
}

async function refusal(p: Promise<unknown>): Promise<PandalchemyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('the push was accepted');
}

const SHOP = `
  CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
  CREATE TABLE lines (order_id INTEGER, n INTEGER, customer INTEGER REFERENCES customers,
    PRIMARY KEY (order_id, n)) WITHOUT ROWID;
  INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
  INSERT INTO orders VALUES (10, 1, 5.0), (11, 2, 7.5);
  INSERT INTO lines VALUES (10, 1, 1);`;

describe('a push that breaks a foreign key', () => {
  it('names the rows it left dangling, not those the database held dangling before', async () => {
    // A file whose rows already reference nothing (foreign keys were off where it was made).
    const db = await databaseWith(
      `${SHOP}; INSERT INTO orders VALUES (8, 77, 1.0); INSERT INTO orders VALUES (9, 78, 2.0);`,
    );
    const orders = await db.table('orders');
    orders.insert({ id: 12, customer_id: 99, total: 1 });
    const e = await refusal(orders.push());
    const fk = e as ForeignKeyError;
    expect(fk.violations.map((v) => v.key)).toEqual([[12]]);
    expect(fk.message).not.toMatch(/\b77\b|\b78\b/);
    expect(orders.changeCounts().inserts).toBe(1);
    const stored = (await db.query('SELECT id FROM orders ORDER BY id')).array('id');
    expect(Array.from(stored)).toEqual([8, 9, 10, 11]);
  });

  it('names the referencing row, its columns and the missing referenced row', async () => {
    const db = await databaseWith(SHOP);
    const orders = await db.table('orders');
    orders.insert({ id: 12, customer_id: 99, total: 1 });
    const e = await refusal(orders.push());
    expect(e).toBeInstanceOf(ForeignKeyError);
    const fk = e as ForeignKeyError;
    expect(fk.code).toBe('constraint');
    expect([fk.table, fk.key]).toEqual(['orders', [12]]);
    expect(fk.violations).toEqual([
      {
        table: 'orders',
        key: [12],
        columns: ['customer_id'],
        values: [99],
        parent: 'customers',
        parentColumns: ['id'],
      },
    ]);
    expect(fk.message).toMatch(
      /orders row \[12\] references customers \(id\) \[99\], which does not exist/,
    );
    expect(orders.changeCounts().inserts).toBe(1);
    expect((await db.query('SELECT count(*) AS n FROM orders')).get('n', 0)).toBe(2);
    await db.close();
  });

  it('names the rows that still reference a row the push deletes, WITHOUT ROWID tables too', async () => {
    const db = await databaseWith(SHOP);
    const customers = await db.table('customers');
    customers.delete(1);
    const e = (await refusal(customers.push())) as ForeignKeyError;
    expect(e).toBeInstanceOf(ForeignKeyError);
    expect(e.violations.map((v) => [v.table, v.key, v.columns, v.values, v.parent]).sort()).toEqual(
      [
        ['lines', [10, 1], ['customer'], [1], 'customers'],
        ['orders', [10], ['customer_id'], [1], 'customers'],
      ],
    );
    expect((await db.query('SELECT count(*) AS n FROM customers')).get('n', 0)).toBe(2);
    // Its serialized form (what crosses the worker boundary) gives it back whole.
    const back = fromSerializedError(structuredClone(e.toJSON()));
    expect(back).toBeInstanceOf(ForeignKeyError);
    expect((back as ForeignKeyError).violations).toEqual(e.violations);
    expect(back.message).toBe(e.message);
    await db.close();
  });
});
