import { PandalchemyError } from '../../errors/pandalchemy-error';
import { asciiUpper } from '../../values/ascii-case';
import { identifierKey } from './sqlite-text';

/**
 * A small reader of CREATE TABLE text: enough to find a column's definition and rewrite its type
 * while keeping every constraint, collation and comment of the table exactly as written.
 */

/** Index just past the token that starts at `i` (quoted identifiers and strings are one token). */
function tokenEnd(sql: string, i: number): number {
  const c = sql[i]!;
  const close = c === '"' ? '"' : c === '`' ? '`' : c === '[' ? ']' : c === "'" ? "'" : null;
  if (close) {
    let j = i + 1;
    for (;;) {
      const k = sql.indexOf(close, j);
      if (k < 0) return sql.length;
      // Doubled quotes are an escaped quote (not for [brackets]).
      if (close !== ']' && sql[k + 1] === close) {
        j = k + 2;
        continue;
      }
      return k + 1;
    }
  }
  if (c === '-' && sql[i + 1] === '-') {
    const k = sql.indexOf('\n', i);
    return k < 0 ? sql.length : k + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const k = sql.indexOf('*/', i + 2);
    return k < 0 ? sql.length : k + 2;
  }
  if (/[A-Za-z0-9_$\u0080-\uffff]/.test(c)) {
    let j = i + 1;
    while (j < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
    return j;
  }
  return i + 1;
}

function isSpace(token: string): boolean {
  return /^\s+$/.test(token) || token.startsWith('--') || token.startsWith('/*');
}

/** The identifier a token names (unquoted), or null when it is not an identifier. */
function identifierOf(token: string): string | null {
  const c = token[0];
  if (c === '"' || c === '`') return token.slice(1, -1).replaceAll(c + c, c);
  if (c === '[') return token.slice(1, -1);
  if (c === "'") return token.slice(1, -1).replaceAll("''", "'");
  return /^[A-Za-z_\u0080-\uffff]/.test(token) ? token : null;
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function tokenize(sql: string, from: number, to: number): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    let j = i;
    if (/\s/.test(sql[i]!)) {
      while (j < to && /\s/.test(sql[j]!)) j++;
    } else j = tokenEnd(sql, i);
    out.push({ text: sql.slice(i, j), start: i, end: j });
    i = j;
  }
  return out;
}

/** Words that end a column's type: the start of its constraints. */
const CONSTRAINT_WORDS = new Set([
  'CONSTRAINT',
  'PRIMARY',
  'NOT',
  'NULL',
  'UNIQUE',
  'CHECK',
  'DEFAULT',
  'COLLATE',
  'REFERENCES',
  'GENERATED',
  'AS',
]);

/**
 * The CREATE TABLE text with `column`'s declared type replaced by `declaredType`.
 *
 * @example
 * ```ts
 * retypeInCreateSql('CREATE TABLE t (a TEXT NOT NULL, b)', 'a', 'INTEGER')
 * // 'CREATE TABLE t (a INTEGER NOT NULL, b)'
 * ```
 */
export function retypeInCreateSql(sql: string, column: string, declaredType: string): string {
  const open = findBodyStart(sql);
  const tokens = tokenize(sql, open + 1, sql.length);
  // Split the body into top-level definitions.
  let depth = 0;
  let defStart = 0;
  const defs: Token[][] = [];
  for (let t = 0; t < tokens.length; t++) {
    const text = tokens[t]!.text;
    if (text === '(') depth++;
    else if (text === ')') {
      if (depth === 0) {
        defs.push(tokens.slice(defStart, t));
        break;
      }
      depth--;
    } else if (text === ',' && depth === 0) {
      defs.push(tokens.slice(defStart, t));
      defStart = t + 1;
    }
  }
  for (const def of defs) {
    const words = def.filter((t) => !isSpace(t.text));
    const name = words[0] ? identifierOf(words[0].text) : null;
    if (name === null || identifierKey(name) !== identifierKey(column)) continue;
    // The type runs from the word after the name to the first constraint word (or the end).
    let w = 1;
    let typeEnd = words[0]!.end;
    let typeStart = -1;
    while (w < words.length && !CONSTRAINT_WORDS.has(asciiUpper(words[w]!.text))) {
      if (typeStart < 0) typeStart = words[w]!.start;
      if (words[w]!.text === '(') {
        while (w < words.length && words[w]!.text !== ')') w++;
      }
      typeEnd = words[w]!.end;
      w++;
    }
    if (typeStart < 0) return `${sql.slice(0, typeEnd)} ${declaredType}${sql.slice(typeEnd)}`;
    return `${sql.slice(0, typeStart)}${declaredType}${sql.slice(typeEnd)}`;
  }
  throw new PandalchemyError(
    'internal',
    `Column ${JSON.stringify(column)} was not found in the CREATE TABLE statement of its table (a bug in pandalchemy: please report it with the statement): ${sql.slice(0, 200)}`,
    { column },
  );
}

function findBodyStart(sql: string): number {
  let i = 0;
  while (i < sql.length) {
    if (sql[i] === '(') return i;
    i = tokenEnd(sql, i);
  }
  throw new PandalchemyError('internal', `Not a CREATE TABLE statement with columns: ${sql}`);
}
