import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  sqliteIntrospectTables,
  sqliteTableNames,
} from '../../src/dialect/sqlite/sqlite-introspect';
import { findTable, introspect } from '../../src/engine/introspect';
import { ask, selectValue, type SqlDatabase } from '../../src/engine/sqlite';
import { loadSql } from '../support/memory-storage';

/** The schema read afresh, as introspect() read it before it kept its last answer. */
const fresh = (db: SqlDatabase) => ask(db, sqliteIntrospectTables(ask(db, sqliteTableNames())));

const names = (db: SqlDatabase) => introspect(db).map((t) => t.name);

const TABLES = ['t1', 't2', 't3'] as const;

/** Schema changes, and the transaction statements that roll some of them back. */
const change = fc.oneof(
  fc
    .constantFrom(...TABLES)
    .map((t) => `CREATE TABLE IF NOT EXISTS ${t} (id INTEGER PRIMARY KEY, v TEXT)`),
  fc.constantFrom(...TABLES).map((t) => `DROP TABLE IF EXISTS ${t}`),
  fc.constantFrom(...TABLES).map((t) => `CREATE INDEX IF NOT EXISTS ${t}_v ON ${t} (v)`),
  fc.constantFrom(...TABLES).map((t) => `DROP INDEX IF EXISTS ${t}_v`),
  fc
    .tuple(fc.constantFrom(...TABLES), fc.integer({ min: 0, max: 99 }))
    .map(([t, n]) => `ALTER TABLE ${t} ADD COLUMN c${n} TEXT`),
  fc.constantFrom('BEGIN', 'ROLLBACK', 'COMMIT'),
);

describe('introspect keeps its last answer only while the schema is the same', () => {
  it('sees another schema made at the schema_version of a rolled-back one', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    db.run('CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)');
    const version = Number(selectValue(db, 'PRAGMA schema_version'));
    db.run('BEGIN');
    db.run('CREATE TABLE x (id INTEGER PRIMARY KEY)');
    expect(names(db)).toEqual(['a', 'x']);
    db.run('ROLLBACK');
    db.run('CREATE TABLE y (id INTEGER PRIMARY KEY)');
    // The cookie the rolled-back schema had: an answer kept by it would be ['a', 'x'].
    expect(Number(selectValue(db, 'PRAGMA schema_version'))).toBe(version + 1);
    expect(names(db)).toEqual(['a', 'y']);
    expect(findTable(db, 'x')).toBeNull();
    db.run('ALTER TABLE a ADD COLUMN w REAL');
    expect(findTable(db, 'a')?.columns.map((c) => c.name)).toEqual(['id', 'v', 'w']);
    expect(introspect(db)).toEqual(fresh(db));
    db.close();
  });

  it('answers what a fresh read answers after any schema changes, committed or rolled back', async () => {
    const SQL = await loadSql();
    fc.assert(
      fc.property(fc.array(fc.tuple(change, fc.boolean()), { maxLength: 25 }), (changes) => {
        const db = new SQL.Database();
        try {
          for (const [sql, look] of changes) {
            try {
              db.run(sql);
            } catch {
              // A statement SQLite refuses here (no such table, no transaction) changes nothing.
            }
            // Not after every change: a rolled-back change and the next one go unread between.
            if (!look) continue;
            const now = fresh(db);
            expect(introspect(db)).toEqual(now);
            for (const t of TABLES)
              expect(findTable(db, t)).toEqual(now.find((i) => i.name === t) ?? null);
          }
          expect(introspect(db)).toEqual(fresh(db));
        } finally {
          db.close();
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  });

  it('hands out frozen schemas: no caller can change the next answer', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    db.run('CREATE TABLE a (id INTEGER PRIMARY KEY)');
    const info = findTable(db, 'a')!;
    expect(Object.isFrozen(info.columns[0])).toBe(true);
    expect(() => (info.columns as unknown[]).push(null)).toThrow(TypeError);
    db.close();
  });
});
