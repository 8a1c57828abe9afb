import { describe, expect, it } from 'vitest';
import { exactIntegerSql } from '../../src/dialect/sqlite/exact-integer-sql';

const all = (): boolean => true;
const only =
  (...at: number[]) =>
  (i: number): boolean =>
    at.includes(i);

describe('exactIntegerSql', () => {
  it('wraps the parameters named, by the index SQLite gives them', () => {
    expect(exactIntegerSql('SELECT ?, ?, ?', only(1))).toBe('SELECT ?, +CAST(? AS INTEGER), ?');
    // ?NNN is its number; a bare ? is one past the largest so far; a name keeps its first number.
    expect(exactIntegerSql('SELECT ?3, ?, :a, @b, $c, :a, ?1', only(3, 5))).toBe(
      'SELECT ?3, +CAST(? AS INTEGER), :a, +CAST(@b AS INTEGER), $c, :a, ?1',
    );
    expect(exactIntegerSql('SELECT :a, :a, ?', only(0))).toBe(
      'SELECT +CAST(:a AS INTEGER), +CAST(:a AS INTEGER), ?',
    );
  });

  it('leaves what only looks like a parameter: in quotes, comments and words', () => {
    const sql =
      `SELECT "a?b", 'it''s ?', [x?], \`y?\`, a$b, x'3F' -- ?\n` +
      `FROM "t""?" /* ? :a */ WHERE "k" = ?`;
    expect(exactIntegerSql(sql, all)).toBe(sql.replace(/\?$/, '+CAST(? AS INTEGER)'));
    expect(exactIntegerSql('SELECT 1 -- ?', all)).toBe('SELECT 1 -- ?');
    expect(exactIntegerSql("SELECT '?", all)).toBe("SELECT '?");
  });

  it('leaves the SQL as it is when no parameter is named', () => {
    const sql = 'UPDATE "t" SET "v" = ? WHERE "id" = ? RETURNING rowid';
    expect(exactIntegerSql(sql, () => false)).toBe(sql);
  });
});
