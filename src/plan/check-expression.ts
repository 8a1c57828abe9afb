import { PandalchemyError, type ErrorContext } from '../errors/pandalchemy-error';
import { isWellFormedText } from '../values/codec';
import { asciiUpper } from '../values/ascii-case';

/** Longest CHECK expression accepted, in characters. */
export const MAX_CHECK_LENGTH = 10_000;

/**
 * The functions a CHECK expression may call: pure ones that SQLite and PostgreSQL both have, which
 * read nothing but their arguments. Any other call is refused: PostgreSQL's functions read other
 * tables (`table_to_xml('users', ...)`, whose text a failed cast then puts in the error), the
 * session (`current_setting`) or wait (`pg_sleep`), and a device's plan reaches the server's DDL.
 */
const FUNCTIONS = new Set([
  'ABS',
  'COALESCE',
  'NULLIF',
  'LENGTH',
  'LOWER',
  'UPPER',
  'TRIM',
  'LTRIM',
  'RTRIM',
  'SUBSTR',
  'REPLACE',
  'ROUND',
]);

/** Words a parenthesis may follow that call nothing: operators, CAST, and sized type names. */
const PARENTHESISED = new Set([
  'CAST',
  'IN',
  'AND',
  'OR',
  'NOT',
  'NUMERIC',
  'DECIMAL',
  'VARCHAR',
  'CHAR',
  'CHARACTER',
  'VARYING',
]);

/** The types a CAST may name: plain ones (a cast to `regclass` looks a name up in the catalog). */
const TYPES = new Set([
  'INTEGER',
  'INT',
  'BIGINT',
  'SMALLINT',
  'REAL',
  'FLOAT',
  'DOUBLE',
  'NUMERIC',
  'DECIMAL',
  'TEXT',
  'VARCHAR',
  'CHAR',
  'CHARACTER',
  'BOOLEAN',
  'DATE',
  'TIMESTAMP',
  'BLOB',
  'BYTEA',
]);

/** Words that read the session, not the row: what a refused insert would tell of the server. */
const SESSION_WORDS = new Set([
  'USER',
  'CURRENT_USER',
  'SESSION_USER',
  'SYSTEM_USER',
  'CURRENT_ROLE',
  'CURRENT_CATALOG',
  'CURRENT_SCHEMA',
]);

/** The index of the first character at or after `i` that is not white space. */
function nextToken(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/**
 * Why `text` is not one CHECK expression that stays inside its `CHECK (...)`, or null when it is.
 * The text is SQL written by the app's developer, or a plan from a device; this only makes sure it
 * cannot end the clause early, start another statement or hide the closing parenthesis: outside
 * string literals and quoted names there is no `;`, no comment, no parameter, no subquery, and the
 * parentheses balance. The database then parses it when the table is created.
 *
 * The same plan runs on SQLite and on PostgreSQL, so only the quoting both read alike is taken:
 * 'text' and "name", a quote doubled inside. PostgreSQL reads a quote after E or U& as the start
 * of a string with backslash escapes (E'\'' is one quote), and $$ or $tag$ as a quote of its own,
 * while SQLite takes `name` and [name]: each would hide a `;` from the other reading. They are
 * refused.
 *
 * What it may read is the row: a function call is one of {@link FUNCTIONS}, a CAST names a plain
 * type, and there is no qualified name (`x.y`), no `::` cast and no word that reads the session.
 */
export function checkExpressionProblem(text: unknown): string | null {
  if (typeof text !== 'string') return 'is not text';
  if (text.trim() === '') return 'is empty';
  if (text.length > MAX_CHECK_LENGTH) return `is longer than ${MAX_CHECK_LENGTH} characters`;
  if (text.includes('\0')) return 'holds NUL';
  if (!isWellFormedText(text)) return 'holds a lone surrogate';
  let depth = 0;
  // The word before was AS: this one is a CAST's type.
  let castType = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`' || c === '[') return `quotes a name with ${c} (use "double quotes")`;
    if (castType && !/\s/.test(c) && !/[A-Za-z_]/.test(c))
      return "names a CAST's type other than by a plain word";
    if (c === "'" || c === '"') {
      const prefix = /[A-Za-z0-9_&$]+$/.exec(text.slice(Math.max(0, i - 8), i))?.[0] ?? '';
      // X'0a' is a blob in SQLite and a bit string in PostgreSQL: no escapes in either.
      if (prefix && !(c === "'" && /^[Xx]$/.test(prefix)))
        return `prefixes a quote with ${prefix} (E'...', U&'...' read backslash escapes in PostgreSQL)`;
      const end = text.indexOf(c, i + 1);
      if (end < 0) return `opens a quote (${c}) it never closes`;
      // A doubled quote is one quote inside the literal: the scan goes on past it.
      i = end;
      while (text[i + 1] === c) {
        const next = text.indexOf(c, i + 2);
        if (next < 0) return `opens a quote (${c}) it never closes`;
        i = next;
      }
      // A quoted name is a column: not a function ("pg_sleep"(5)) nor a qualified name.
      const after = text[nextToken(text, i + 1)];
      if (c === '"' && after === '(') return 'calls a function by a quoted name';
      if (c === '"' && after === '.')
        return "holds a qualified name (x.y): read the row's own columns";
      continue;
    }
    if (c === ':' && text[i + 1] === ':') return 'holds a :: cast (use CAST(x AS type))';
    if (c === '$' && (i === 0 || !/[A-Za-z0-9_$]/.test(text[i - 1]!)))
      return 'holds a $ (a parameter, or a dollar quote in PostgreSQL)';
    if (c === ';') return 'holds a ";" (one expression, not statements)';
    if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*'))
      return 'holds a comment';
    if (
      c === '?' ||
      ((c === ':' || c === '@' || c === '$') && /[A-Za-z0-9_]/.test(text[i + 1] ?? ''))
    )
      return 'holds a parameter';
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return 'closes a parenthesis it never opened';
    else if (/[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_$]/.test(text[i - 1]!))) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i))![0];
      const upper = asciiUpper(word);
      if (upper === 'SELECT') return 'holds a subquery (SELECT)';
      if (SESSION_WORDS.has(upper)) return `reads the session (${word})`;
      if (castType && !TYPES.has(upper))
        return `casts to ${word}: CAST to one of ${[...TYPES].join(', ')}`;
      castType = upper === 'AS';
      const after = text[nextToken(text, i + word.length)];
      if (after === '(' && !FUNCTIONS.has(upper) && !PARENTHESISED.has(upper))
        return `calls ${word}(): a CHECK may call only ${[...FUNCTIONS].map((f) => f.toLowerCase()).join(', ')}`;
      if (after === '.') return "holds a qualified name (x.y): read the row's own columns";
      i += word.length - 1;
    }
  }
  return depth ? 'opens a parenthesis it never closes' : null;
}

/**
 * Checks a CHECK expression given to `createTable` (see {@link checkExpressionProblem}); returns it.
 *
 * @example
 * ```ts
 * checkExpression('qty >= 0'); // 'qty >= 0'
 * checkExpression('1); DROP TABLE t; --'); // throws invalid_argument
 * ```
 */
export function checkExpression(text: unknown, context: ErrorContext = {}): string {
  const problem = checkExpressionProblem(text);
  if (problem === null) return text as string;
  throw new PandalchemyError(
    'invalid_argument',
    `The CHECK expression ${JSON.stringify(String(text)).slice(0, 80)} ${problem}: give one SQL expression such as 'qty >= 0' (string literals in single quotes).`,
    context,
  );
}
