import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { planToSql } from '../../src/plan/plan-to-sql';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PandalchemyError) return e.code;
    throw e;
  }
  return 'none';
}

describe('a type change whose values do not convert back', () => {
  it('is refused by default: zip codes with leading zeros do not become INTEGER', async () => {
    const db = await nodeDatabase(new MemoryStorage());
    const t = await db.createTable(
      'places',
      aq.table({ id: [1, 2, 3], zip: ['01067', '10001', '94107'] }),
      { primaryKey: 'id', types: { zip: 'TEXT' } },
    );
    expect(codeOf(() => t.retypeColumn('zip', 'INTEGER'))).toBe('invalid_value');
    expect(t.hasChanges).toBe(false);
    for (const text of ['1e3', ' 7', '7.0', '+7', '0x10', '99999999999999999999', '-0']) {
      t.set(2, 'zip', text);
      expect(
        codeOf(() => t.retypeColumn('zip', 'INTEGER')),
        text,
      ).toBe('invalid_value');
      t.undo();
    }
    t.set(1, 'zip', '1067');
    t.retypeColumn('zip', 'INTEGER');
    await t.push();
    expect((await db.query('SELECT zip FROM places ORDER BY id')).array('zip')).toEqual([
      1067, 10001, 94107,
    ]);
    await db.close();
  });

  it('is refused for text to REAL that changes on the way back, and integers a REAL cannot hold', async () => {
    const db = await nodeDatabase(new MemoryStorage());
    const t = await db.createTable(
      'm',
      aq.table({ id: [1, 2], s: ['0.5', '2'], n: [1, 2n ** 60n + 1n], r: [0.25, 1 / 3] }),
      { primaryKey: 'id', types: { s: 'TEXT', n: 'INTEGER', r: 'REAL' } },
    );
    // '2' would come back as '2.0'; 2^60 + 1 as 2^60.
    expect(codeOf(() => t.retypeColumn('s', 'REAL'))).toBe('invalid_value');
    expect(codeOf(() => t.retypeColumn('n', 'REAL'))).toBe('invalid_value');
    expect(t.hasChanges).toBe(false);
    // SQLite writes a REAL as text that gives the same number back (up to 17 digits).
    t.retypeColumn('r', 'TEXT');
    await t.push();
    const texts = (await db.query('SELECT r FROM m ORDER BY id')).array('r') as string[];
    expect(texts.map(Number)).toEqual([0.25, 1 / 3]);
    await db.close();
  });

  it("keeps SQLite's conversion under invalid: 'keep', and the plan preview lists the cells it alters", async () => {
    const db = await nodeDatabase(new MemoryStorage());
    const t = await db.createTable(
      'places',
      aq.table({ id: [1, 2, 3], zip: ['01067', '10001', ' 7'] }),
      { primaryKey: 'id', types: { zip: 'TEXT' } },
    );
    t.retypeColumn('zip', 'INTEGER', { invalid: 'keep' });
    expect(t.table().array('zip')).toEqual([1067, 10001, 7]);
    const plan = t.plan();
    const step = plan.steps.find((s) => s.kind === 'retypeColumn');
    const changes = step?.kind === 'retypeColumn' ? step.changes : undefined;
    expect(changes?.key).toEqual(['id']);
    expect(changes?.keys.map((k) => Array.from(k))).toEqual([[1, 3]]);
    expect(Array.from(changes?.before ?? [])).toEqual(['01067', ' 7']);
    expect(Array.from(changes?.after ?? [])).toEqual([1067, 7]);
    const sql = planToSql(plan);
    expect(sql).toContain(`-- row "id" = 1: '01067' -> 1067`);
    expect(sql).toContain(`-- row "id" = 3: ' 7' -> 7`);
    await t.push();
    expect((await db.query('SELECT zip FROM places ORDER BY id')).array('zip')).toEqual([
      1067, 10001, 7,
    ]);
    await db.close();
  });

  it("sets them to NULL under invalid: 'null'", async () => {
    const db = await nodeDatabase(new MemoryStorage());
    const t = await db.createTable('places', aq.table({ id: [1, 2], zip: ['01067', '10001'] }), {
      primaryKey: 'id',
      types: { zip: 'TEXT' },
    });
    t.retypeColumn('zip', 'INTEGER', { invalid: 'null' });
    expect(t.table().array('zip')).toEqual([null, 10001]);
    await t.push();
    expect((await db.query('SELECT zip FROM places ORDER BY id')).array('zip')).toEqual([
      null,
      10001,
    ]);
    await db.close();
  });
});
