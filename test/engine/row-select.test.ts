import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowSelect, utf8ToString } from '../../src/engine/row-select';
import { rowOf, type SqlDatabase } from '../../src/engine/sqlite';
import type { ColumnKind } from '../../src/values/column-kind';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';

const KINDS: ColumnKind[] = ['text', 'any', 'integer', 'date', 'real'];
const TYPES = ['TEXT', '', 'INTEGER', 'DATE', 'REAL'];

/** Every row read through a RowSelect and, as the oracle, through sql.js's own get(). */
function readBoth(db: SqlDatabase): { fast: SqlValue[][]; plain: SqlValue[][] } {
  const exprs = TYPES.map((_, i) => `c${i}`);
  const select = new RowSelect(db, exprs, KINDS);
  const fast: SqlValue[][] = [];
  const plain: SqlValue[][] = [];
  const a = db.prepare(`SELECT ${select.sql} FROM t ORDER BY rowid`);
  while (a.step()) fast.push(select.read(a));
  a.free();
  const b = db.prepare(`SELECT ${exprs.join(', ')} FROM t ORDER BY rowid`);
  while (b.step()) plain.push(rowOf(b));
  b.free();
  return { fast, plain };
}

const value = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ minLength: 250, maxLength: 600 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.uint8Array({ maxLength: 20 }),
);

async function database(encoding: string): Promise<SqlDatabase> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run(`PRAGMA encoding = '${encoding}'`);
  db.run(`CREATE TABLE t (${TYPES.map((t, i) => `c${i} ${t}`).join(', ')})`);
  return db;
}

describe('RowSelect', () => {
  for (const encoding of ['UTF-8', 'UTF-16le']) {
    it(`reads every value exactly as sql.js does (${encoding} database)`, async () => {
      const db = await database(encoding);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(value, { minLength: 5, maxLength: 5 })),
          async (rows) => {
            db.run('DELETE FROM t');
            for (const row of rows)
              db.run(`INSERT INTO t VALUES (${row.map(() => '?').join(', ')})`, row as SqlValue[]);
            const { fast, plain } = readBoth(db);
            expect(fast).toEqual(plain);
          },
        ),
        { numRuns: 60 },
      );
      db.close();
    });
  }

  it('reads text that is not valid UTF-8 as sql.js does, and integers beyond 2^53 exactly', async () => {
    const db = await database('UTF-8');
    db.run(
      `INSERT INTO t VALUES (CAST(X'C3' AS TEXT), CAST(X'61FF62' AS TEXT), 9007199254740993, '2024-01-02', '')`,
    );
    const { fast, plain } = readBoth(db);
    expect(fast).toEqual(plain);
    expect(fast[0]![2]).toBe(9007199254740993n);
    expect(fast[0]![0]).toBe('\ufffd');
    db.close();
  });

  it('turns ASCII and other UTF-8 into the same strings as TextDecoder', () => {
    const encoder = new TextEncoder();
    for (const s of ['', 'name 1', 'é', 'a'.repeat(300), 'x😀y', '\u0000z'])
      expect(utf8ToString(encoder.encode(s))).toBe(s);
  });
});
