import { beforeAll, describe, expect, it } from 'vitest';
import {
  sqliteIntrospect,
  sqliteIntrospectTables,
  sqliteTableNames,
} from '../../src/dialect/sqlite/sqlite-introspect';
import { ask, type SqlDatabase } from '../../src/engine/sqlite';
import { loadSql } from '../support/memory-storage';

let db: SqlDatabase;

beforeAll(async () => {
  const SQL = await loadSql();
  db = new SQL.Database() as unknown as SqlDatabase;
  db.run(`
    CREATE TABLE parent (a INTEGER, b TEXT, PRIMARY KEY (a, b));
    CREATE TABLE "odd""name" (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      rowid TEXT DEFAULT 'x',
      v REAL NOT NULL DEFAULT (-1.5),
      twice INT GENERATED ALWAYS AS (id * 2) VIRTUAL,
      UNIQUE (v, rowid)
    );
    CREATE TABLE child (
      x INT, y INT, z,
      FOREIGN KEY (x, y) REFERENCES parent (a, b) ON DELETE CASCADE,
      FOREIGN KEY (z) REFERENCES "odd""name"
    );
    CREATE TABLE words (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
    CREATE TABLE loose (a, b);
    CREATE INDEX by_yx ON child (y, x);
    CREATE UNIQUE INDEX by_sum ON child (x + y, z);
    CREATE TRIGGER first AFTER INSERT ON loose BEGIN SELECT 1; END;
    CREATE TRIGGER second AFTER DELETE ON loose BEGIN SELECT 2; END;
  `);
});

describe('sqliteIntrospect', () => {
  it('lists the user tables in creation order', () => {
    expect(ask(db, sqliteTableNames())).toEqual(['parent', 'odd"name', 'child', 'words', 'loose']);
  });

  it('reads columns, key, rowid, AUTOINCREMENT and indexes, leaving generated columns out', () => {
    const info = ask(db, sqliteIntrospect('odd"name'))!;
    expect(info.columns.map((c) => [c.name, c.declaredType, c.notNull, c.defaultSql])).toEqual([
      ['id', 'INTEGER', false, null],
      ['rowid', 'TEXT', false, "'x'"],
      ['v', 'REAL', true, '-1.5'],
    ]);
    expect(info.key).toEqual({ kind: 'primary', columns: ['id'], autoAssigned: true });
    expect(info.autoIncrement).toBe(true);
    expect(info.withoutRowid).toBe(false);
    expect(info.indexes).toEqual([
      {
        name: 'sqlite_autoindex_odd"name_1',
        columns: ['v', 'rowid'],
        unique: true,
        origin: 'u',
        sql: null,
      },
    ]);
  });

  it('reads a composite key, and a table keyed by its rowid under a free name', () => {
    expect(ask(db, sqliteIntrospect('parent'))!.key).toEqual({
      kind: 'primary',
      columns: ['a', 'b'],
      autoAssigned: false,
    });
    expect(ask(db, sqliteIntrospect('loose'))!.key).toEqual({
      kind: 'rowid',
      columns: ['rowid'],
      autoAssigned: true,
    });
    expect(ask(db, sqliteIntrospect('words'))!.withoutRowid).toBe(true);
  });

  it('reads foreign keys over several columns, their actions, and expression indexes', () => {
    const info = ask(db, sqliteIntrospect('child'))!;
    expect(info.foreignKeys).toEqual([
      { table: 'odd"name', columns: ['z'], to: [], onUpdate: 'NO ACTION', onDelete: 'NO ACTION' },
      {
        table: 'parent',
        columns: ['x', 'y'],
        to: ['a', 'b'],
        onUpdate: 'NO ACTION',
        onDelete: 'CASCADE',
      },
    ]);
    expect(info.indexes.map((i) => [i.name, i.columns, i.unique])).toEqual([
      ['by_yx', ['y', 'x'], false],
      ['by_sum', ['', 'z'], true],
    ]);
  });

  it('reads triggers in creation order, and null for a table that does not exist', () => {
    expect(ask(db, sqliteIntrospect('loose'))!.triggers.map((t) => t.name)).toEqual([
      'first',
      'second',
    ]);
    expect(ask(db, sqliteIntrospect('missing'))).toBeNull();
  });

  it('reads several tables with one statement, leaving out those that do not exist', () => {
    const tables = ask(db, sqliteIntrospectTables(['words', 'missing', 'parent']));
    expect(tables.map((t) => t.name)).toEqual(['words', 'parent']);
    expect(tables[1]).toEqual(ask(db, sqliteIntrospect('parent')));
  });
});
