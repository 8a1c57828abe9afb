import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { PandalchemyError } from '../../src/index';
import { nodeDatabaseFrom } from '../support/node-database';

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

async function withIndexes(...indexes: string[]): Promise<Database> {
  const db = await nodeDatabaseFrom(
    [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, w INTEGER, x INTEGER)',
      ...indexes,
      "INSERT INTO t VALUES (1, 'a', 1, 0), (2, 'B', 1, 0), (3, 'c', 2, 1)",
    ].join(';'),
  );
  opened.push(db);
  return db;
}

async function indexSql(db: Database): Promise<string[]> {
  const rows = (
    await db.query(
      "SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
  ).objects() as { sql: string }[];
  return rows.map((r) => r.sql);
}

/** Stored indexes that `createIndex` would not make as they are. */
const NOT_PLAIN = [
  ['an expression', 'CREATE INDEX ix ON t (lower(v))'],
  ['a collation', 'CREATE INDEX ix ON t (v COLLATE NOCASE)'],
  ['a direction', 'CREATE INDEX ix ON t (v DESC)'],
  ['a WHERE clause', 'CREATE INDEX ix ON t (v) WHERE x > 0'],
] as const;

describe('stored indexes createIndex would not make', () => {
  for (const [what, sql] of NOT_PLAIN) {
    it(`with ${what}: other index edits plan, push and count; the index stays as stored`, async () => {
      const db = await withIndexes(sql);
      const t = await db.table('t');
      t.createIndex('iw', 'w');
      expect(t.changeCounts().schema).toBe(1);
      expect(t.toSql()).toContain('CREATE INDEX "iw"');
      expect(db.drafts.status()).toBeDefined();
      await t.push();
      expect(await indexSql(db)).toEqual(['CREATE INDEX "iw" ON "t" ("w")', sql]);
    });

    it(`with ${what}: replaced under its name by a plain one, is a change that the push makes`, async () => {
      const db = await withIndexes(sql);
      const t = await db.table('t');
      t.dropIndex('ix');
      t.createIndex('ix', 'v');
      expect(t.changeCounts().schema).toBe(2);
      await t.push();
      expect(await indexSql(db)).toEqual(['CREATE INDEX "ix" ON "t" ("v")']);
    });
  }

  it('a partial UNIQUE index replaced by a full one over duplicates fails as a constraint, changing nothing', async () => {
    const db = await withIndexes('CREATE UNIQUE INDEX up ON t (w) WHERE x > 0');
    const t = await db.table('t');
    t.dropIndex('up');
    t.createIndex('up', 'w', { unique: true });
    const error = await t.push().catch((e: unknown) => e);
    expect(error instanceof PandalchemyError && error.code).toBe('constraint');
    expect(await indexSql(db)).toEqual(['CREATE UNIQUE INDEX up ON t (w) WHERE x > 0']);
    expect(t.changeCounts().schema).toBe(2);
  });

  it('a plain stored index dropped and created again as it was is no change', async () => {
    const db = await withIndexes('CREATE INDEX ix ON t (v)');
    const t = await db.table('t');
    t.dropIndex('ix');
    t.createIndex('ix', 'v');
    expect(t.changeCounts().schema).toBe(0);
    expect(t.hasChanges).toBe(false);
  });
});
