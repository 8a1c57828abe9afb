import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/engine/run-query';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';

const SQL = await loadSql();

function refusal(sql: string, params: readonly unknown[] = []): string {
  const db = new SQL.Database();
  try {
    runQuery(db, sql, params as SqlValue[]);
  } catch (e) {
    if (e instanceof PandalchemyError && e.code === 'invalid_sql') return e.message;
    throw e;
  } finally {
    db.close();
  }
  throw new Error('the query ran');
}

describe('query parameters', () => {
  it('refuses more or fewer values than the query has parameters, NULLs included', () => {
    expect(refusal('SELECT ?, ?', [1])).toMatch(/has 2 parameter\(s\) and 1 value/);
    expect(refusal('SELECT ?', [1, null])).toMatch(/has 1 parameter\(s\) and 2 value/);
    expect(refusal('SELECT 1', [null])).toMatch(/has 0 parameter\(s\) and 1 value/);
    expect(refusal('SELECT ?3', [null])).toMatch(/has 3 parameter\(s\) and 1 value/);
  });

  it('binds exactly as many values as there are parameters, booleans as 1 and 0', () => {
    const db = new SQL.Database();
    const out = runQuery(db, 'SELECT ? AS a, :b AS b, ? AS c', [null, true as never, 'x']);
    expect(out.columns.map((c) => c[0])).toEqual([null, 1, 'x']);
    db.close();
  });

  it('says what a PRAGMA is, and which table form reads it', () => {
    expect(refusal("PRAGMA main.index_list('t')")).toMatch(
      /SELECT \* FROM pragma_index_list\('t'\)/,
    );
    expect(refusal('  /* x */ pragma table_list')).toMatch(/SELECT \* FROM pragma_table_list\b/);
    expect(refusal('PRAGMA table_info("it\'s")')).toMatch(/pragma_table_info\('it''s'\)/);
  });
});
