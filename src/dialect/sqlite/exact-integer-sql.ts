/**
 * `sql` with the parameters that `exact` names (by index from 0, as an array of values binds
 * them) written as `+CAST(? AS INTEGER)`, so that a BigInt bound to one is the integer it is.
 * sql.js binds a BigInt as its decimal text: a column without INTEGER or NUMERIC affinity (an
 * untyped or BLOB one) would keep that text, and `"k" = ?` would not find the integer such a
 * column holds. The cast makes it an integer again; the unary `+` takes away the INTEGER affinity
 * a bare CAST has, so that the parameter compares as an integer literal does (a bare CAST would
 * make `=` convert a stored '1152921504606846976' or '01152921504606846976' to a number and
 * match it).
 *
 * Parameters are found as SQLite's tokenizer finds them: outside string literals, quoted
 * identifiers and comments; `?`, `?NNN`, `:name`, `@name` and `$name`, numbered as SQLite numbers
 * them (`?` one past the largest so far, `?NNN` NNN, a name the number it first had).
 *
 * @example
 * ```ts
 * exactIntegerSql('DELETE FROM "t" WHERE "k" = ?', (i) => i === 0);
 * // 'DELETE FROM "t" WHERE "k" = +CAST(? AS INTEGER)'
 * ```
 */
export function exactIntegerSql(sql: string, exact: (index: number) => boolean): string {
  let out = '';
  let from = 0;
  let last = 0;
  const names = new Map<string, number>();
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = closing(sql, i + 1, c);
    } else if (c === '[') {
      i = closing(sql, i + 1, ']');
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (IDENTIFIER_START.test(c)) {
      // A word (`$` and digits may follow its first character), or a number with its suffix.
      i++;
      while (i < n && IDENTIFIER_PART.test(sql[i]!)) i++;
    } else if (c === '?' || c === ':' || c === '@' || c === '$') {
      let end = i + 1;
      const part = c === '?' ? DIGIT : IDENTIFIER_PART;
      while (end < n && part.test(sql[end]!)) end++;
      const token = sql.slice(i, end);
      let index: number;
      if (token === '?') {
        index = ++last;
      } else {
        index = names.get(token) ?? (c === '?' ? Number(token.slice(1)) : last + 1);
        names.set(token, index);
        last = Math.max(last, index);
      }
      if (exact(index - 1)) {
        out += `${sql.slice(from, i)}+CAST(${token} AS INTEGER)`;
        from = end;
      }
      i = end;
    } else {
      i++;
    }
  }
  return out + sql.slice(from);
}

const IDENTIFIER_START = /[A-Za-z0-9_\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

/** The index just past the quote `close` that ends a quoted run starting at `from`. */
function closing(sql: string, from: number, close: string): number {
  const end = sql.indexOf(close, from);
  return end < 0 ? sql.length : end + 1;
}
