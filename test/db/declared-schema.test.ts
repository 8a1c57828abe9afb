import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { planToSql } from '../../src/plan/plan-to-sql';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/** What a promise rejects with: its error's code and message, or 'none'. */
async function failure(p: Promise<unknown> | (() => unknown)): Promise<PandalchemyError | 'none'> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  return 'none';
}

async function shop(): Promise<{ db: Database; storage: MemoryStorage }> {
  const storage = new MemoryStorage();
  const db = await nodeDatabase(storage);
  await db.createTable('customers', aq.table({ id: [1, 2], email: ['a@x', 'b@x'] }), {
    primaryKey: 'id',
    unique: ['email'],
    indexes: [{ name: 'customers_by_email_id', columns: ['email', 'id'] }],
  });
  await db.createTable(
    'orders',
    aq.table({ id: [10, 11], customer: [1, 2], qty: [1, 5], day: ['2024-01-01', '2024-01-02'] }),
    {
      primaryKey: 'id',
      types: { day: 'TEXT' },
      checks: ["day >= '2000-01-01'"],
      columnChecks: { qty: 'qty >= 0' },
      foreignKeys: [
        { columns: 'customer', references: 'customers', to: 'id', onDelete: 'CASCADE' },
      ],
      indexes: [{ name: 'orders_by_day', columns: 'day' }],
    },
  );
  return { db, storage };
}

describe('tables that declare constraints and indexes', () => {
  it('creates UNIQUE, CHECK, FOREIGN KEY and indexes, and reports them in db.tables()', async () => {
    const { db } = await shop();
    const orders = db.tables().find((t) => t.name === 'orders')!;
    expect(orders.sql).toContain("CHECK (day >= '2000-01-01')");
    expect(orders.sql).toContain('"qty" INTEGER CHECK (qty >= 0)');
    expect(orders.foreignKeys).toEqual([
      {
        columns: ['customer'],
        table: 'customers',
        to: ['id'],
        onUpdate: 'NO ACTION',
        onDelete: 'CASCADE',
      },
    ]);
    expect(orders.indexes.map((i) => [i.name, i.columns, i.unique])).toContainEqual([
      'orders_by_day',
      ['day'],
      false,
    ]);
    const customers = db.tables().find((t) => t.name === 'customers')!;
    expect(customers.indexes.some((i) => i.origin === 'u' && i.columns[0] === 'email')).toBe(true);
    expect(Object.isFrozen(orders.indexes[0])).toBe(true);
    // The constraints hold: CHECK, UNIQUE and the cascade.
    const o = await db.table('orders');
    o.set(10, 'qty', -1);
    expect(await failure(o.push())).toMatchObject({ code: 'constraint' });
    o.undo();
    const c = await db.table('customers');
    c.set(2, 'email', 'a@x');
    expect(await failure(c.push())).toMatchObject({ code: 'constraint' });
    c.undo();
    c.delete(1);
    await db.push();
    expect((await db.query('SELECT id FROM orders')).objects()).toEqual([{ id: 11 }]);
  });

  it('refuses a CHECK that is not one expression, before anything runs', async () => {
    const { db } = await shop();
    for (const check of [
      '1); DROP TABLE orders; --',
      'x > 0 -- note',
      '(SELECT 1)',
      'x > (',
      '?',
      'nope(x)',
      'pg_sleep(1) IS NULL',
    ]) {
      const e = await failure(db.createTable('bad', aq.table({ x: [1] }), { checks: [check] }));
      expect(e).toMatchObject({ code: 'invalid_argument' });
    }
    expect(db.tableNames()).not.toContain('bad');
    // SQLite itself refuses what the lexical check lets through: a column that does not exist.
    const e = await failure(db.createTable('bad', aq.table({ x: [1] }), { checks: ['nope > 0'] }));
    expect(e).toMatchObject({ code: 'sqlite' });
  });

  it('creates and drops indexes as pending edits: previewed, undone, pushed', async () => {
    const { db, storage } = await shop();
    const o = await db.table('orders');
    o.createIndex('orders_by_customer_qty', ['customer', 'qty'], { unique: true });
    o.dropIndex('orders_by_day');
    expect(o.changeCounts().schema).toBe(2);
    expect(o.changes().schema).toEqual([
      { type: 'dropIndex', index: 'orders_by_day' },
      {
        type: 'createIndex',
        index: 'orders_by_customer_qty',
        columns: ['customer', 'qty'],
        unique: true,
      },
    ]);
    expect(o.toSql()).toBe(
      'DROP INDEX "orders_by_day";\nCREATE UNIQUE INDEX "orders_by_customer_qty" ON "orders" ("customer", "qty");',
    );
    o.undo();
    expect(o.changes().schema).toHaveLength(1);
    o.redo();
    o.set(11, 'qty', 6);
    await o.push();
    expect(o.hasChanges).toBe(false);
    expect(o.info.indexes.map((i) => i.name).sort()).toEqual(['orders_by_customer_qty']);
    // A reopen replays the index DDL from the redo log.
    const again = await nodeDatabase(storage);
    const info = again.tables().find((t) => t.name === 'orders')!;
    expect(info.indexes.map((i) => [i.name, i.unique])).toEqual([['orders_by_customer_qty', true]]);
  });

  it('an index dropped and created again as it was is no change; renames follow the columns', async () => {
    const { db } = await shop();
    const o = await db.table('orders');
    o.dropIndex('orders_by_day');
    o.createIndex('orders_by_day', 'day');
    expect(o.hasChanges).toBe(false);
    o.createIndex('by_qty', 'qty');
    o.renameColumn('qty', 'quantity');
    expect(planToSql(o.plan())).toContain('CREATE INDEX "by_qty" ON "orders" ("quantity")');
    await o.push();
    expect(o.info.indexes.find((i) => i.name === 'by_qty')?.columns).toEqual(['quantity']);
  });

  it('names each way an index edit can fail with its own code', async () => {
    const { db } = await shop();
    const o = await db.table('orders');
    expect(await failure(() => o.createIndex('orders_by_day', 'qty'))).toMatchObject({
      code: 'name_taken',
    });
    expect(await failure(() => o.createIndex('x', 'nope'))).toMatchObject({
      code: 'unknown_column',
    });
    expect(await failure(() => o.dropIndex('nope'))).toMatchObject({ code: 'unknown_index' });
    expect(await failure(() => o.dropColumn('day'))).toMatchObject({ code: 'invalid_argument' });
    // Index names are shared by the database's tables: the engine finds the clash at push time.
    o.createIndex('customers_by_email_id', 'qty');
    expect(await failure(o.push())).toMatchObject({ code: 'name_taken', table: 'orders' });
    o.discard();
    // Stored rows that a UNIQUE index refuses are named.
    o.set(11, 'customer', 1);
    await o.push();
    o.createIndex('one_order_each', 'customer', { unique: true });
    const e = await failure(o.push());
    expect(e).toMatchObject({ code: 'constraint', table: 'orders', key: [10] });
    expect((e as PandalchemyError).message).toMatch(/rows 10, 11 share values of customer/);
    // Nothing was written, the edit is still pending.
    expect(o.changeCounts().schema).toBe(1);
    expect(
      db
        .tables()
        .find((t) => t.name === 'orders')!
        .indexes.map((i) => i.name),
    ).toEqual(['orders_by_day']);
  });
});
