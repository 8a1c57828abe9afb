import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { deleteDatabase, openDatabase } from '../../src/index';

describe('declared constraints and indexes through the worker and IndexedDB', () => {
  it('pushes a constrained table and index edits in one transaction, and reopens with them', async () => {
    const name = `declared-${crypto.randomUUID()}`;
    const db = await openDatabase(name);
    await db.createTable('parent', aq.table({ id: [1, 2], code: ['a', 'b'] }), {
      primaryKey: 'id',
      unique: ['code'],
    });
    await db.createTable(
      'child',
      aq.table({ id: [10, 11, 12], parent: [1, 1, 2], qty: [1, 2, 3] }),
      {
        primaryKey: 'id',
        columnChecks: { qty: 'qty > 0' },
        foreignKeys: [{ columns: 'parent', references: 'parent', onDelete: 'CASCADE' }],
        indexes: [{ name: 'child_by_parent', columns: 'parent' }],
      },
    );
    const child = await db.table('child');
    child.dropIndex('child_by_parent');
    child.createIndex('child_by_parent_qty', ['parent', 'qty'], { unique: true });
    child.set(12, 'qty', 4);
    expect(child.toSql()).toContain('CREATE UNIQUE INDEX "child_by_parent_qty"');
    const result = await db.push();
    expect(result.rowsWritten).toBe(1);
    expect(child.info.indexes.map((i) => i.name)).toEqual(['child_by_parent_qty']);
    // A push that fails leaves the index edit pending and the database as it was.
    child.createIndex('one_child_each', 'parent', { unique: true });
    await expect(child.push()).rejects.toMatchObject({ code: 'constraint', key: [10] });
    expect(child.changeCounts().schema).toBe(1);
    child.undo();
    // The cascade the foreign key declares runs.
    const parent = await db.table('parent');
    parent.delete(1);
    await db.push();
    expect(child.table().objects()).toEqual([{ id: 12, parent: 2, qty: 4 }]);
    await db.close();

    const again = await openDatabase(name);
    const info = again.tables().find((t) => t.name === 'child')!;
    expect(info.indexes.map((i) => [i.name, i.unique])).toEqual([['child_by_parent_qty', true]]);
    expect(info.foreignKeys[0]).toMatchObject({ table: 'parent', onDelete: 'CASCADE' });
    expect(info.sql).toContain('CHECK (qty > 0)');
    await again.close();
    await deleteDatabase(name);
  });
});
