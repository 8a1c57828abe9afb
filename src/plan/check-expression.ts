import { PandalchemyError, type ErrorContext } from '../errors/pandalchemy-error';
import { isWellFormedText } from '../values/codec';
import { asciiUpper } from '../values/ascii-case';

/** Longest CHECK expression accepted, in characters. */
export const MAX_CHECK_LENGTH = 10_000;

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
 */
export function checkExpressionProblem(text: unknown): string | null {
  if (typeof text !== 'string') return 'is not text';
  if (text.trim() === '') return 'is empty';
  if (text.length > MAX_CHECK_LENGTH) return `is longer than ${MAX_CHECK_LENGTH} characters`;
  if (text.includes('\0')) return 'holds NUL';
  if (!isWellFormedText(text)) return 'holds a lone surrogate';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`' || c === '[') return `quotes a name with ${c} (use "double quotes")`;
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
      continue;
    }
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
      if (asciiUpper(word) === 'SELECT') return 'holds a subquery (SELECT)';
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
