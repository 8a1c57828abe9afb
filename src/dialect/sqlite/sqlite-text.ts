import { PandalchemyError, type ErrorContext } from '../../errors/pandalchemy-error';
import { nameForMessage } from '../../errors/name-for-message';
import { asciiLower } from '../../values/ascii-case';
import { isWellFormedText } from '../../values/codec';
import type { SqlValue } from '../../values/sql-value';

// SQLite's rules for the names, types and literals the library writes into SQL text.

/** Longest identifier accepted; SQLite has no limit but names beyond this are surely mistakes. */
export const MAX_IDENTIFIER_LENGTH = 1024;

/**
 * The form under which SQLite compares identifiers: ASCII letters fold to lower case, nothing else
 * does (`Name` and `NAME` are one column, `é` and `É` two).
 *
 * @example
 * ```ts
 * identifierKey('Zip') === identifierKey('ZIP') // true
 * ```
 */
export function identifierKey(name: string): string {
  return asciiLower(name);
}

/**
 * Checks a table or column name that the library will create. Any characters are allowed (names
 * are always quoted) except NUL, which SQLite cannot store, and lone surrogates, which UTF-8
 * cannot; names must not be empty and tables must not take SQLite's reserved `sqlite_` prefix.
 */
export function checkIdentifier(name: unknown, what: 'table' | 'column' | 'index'): string {
  const bad = (why: string): never => {
    throw new PandalchemyError(
      'invalid_identifier',
      `${nameForMessage(name)} cannot be a ${what} name: ${why}. Choose another name.`,
      what === 'column' ? { column: String(name) } : {},
    );
  };
  if (typeof name !== 'string') return bad('names are strings');
  if (name.length === 0) return bad('it is empty');
  if (name.length > MAX_IDENTIFIER_LENGTH)
    return bad(`it has ${name.length} characters, more than ${MAX_IDENTIFIER_LENGTH}`);
  if (name.includes('\0')) return bad('it contains a NUL character');
  if (!isWellFormedText(name)) return bad('it contains a lone surrogate (not valid Unicode)');
  if (what !== 'column' && /^sqlite_/i.test(name)) return bad("the 'sqlite_' prefix is SQLite's");
  return name;
}

/**
 * Checks a value for a DEFAULT clause. DEFAULT takes no bound parameter, so the value becomes SQL
 * text, which ends at a NUL character: text holding one cannot be a default.
 */
export function checkDefaultValue(value: SqlValue, context: ErrorContext = {}): SqlValue {
  if (typeof value === 'string' && value.includes('\0')) {
    throw new PandalchemyError(
      'invalid_value',
      'A column DEFAULT cannot hold a NUL character (SQLite reads DEFAULT clauses as SQL text, ' +
        'which ends at NUL): leave it out of the default and set the values instead.',
      context,
    );
  }
  return value;
}

const TYPE_RE =
  /^[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*)*(?: ?\(\s*[+-]?\d+(?:\s*,\s*[+-]?\d+)?\s*\))?$/;

/**
 * Checks a declared column type. Types cannot be quoted in SQLite DDL, so only the shapes SQLite's
 * grammar gives them are accepted: words and an optional `(n)` or `(n, m)`.
 *
 * @example
 * ```ts
 * checkDeclaredType('VARCHAR(20)') // 'VARCHAR(20)'
 * checkDeclaredType('INT); DROP TABLE t') // throws invalid_argument
 * ```
 */
export function checkDeclaredType(type: unknown): string {
  if (typeof type === 'string' && (type === '' || TYPE_RE.test(type))) return type;
  throw new PandalchemyError(
    'invalid_argument',
    `${JSON.stringify(type)} is not a column type: use words such as INTEGER, TEXT, REAL, BLOB, ` +
      'BOOLEAN, DATE, DATETIME, optionally with (n) or (n, m).',
  );
}

/**
 * Renders a value as an SQLite literal. Used only where SQLite takes no parameters (DEFAULT
 * clauses in DDL) and for the human-readable plan preview; every statement that runs binds its
 * values.
 *
 * @example
 * ```ts
 * sqliteLiteral("it's") // "'it''s'"
 * sqliteLiteral(new Uint8Array([1, 255])) // "X'01ff'"
 * ```
 */
export function sqliteLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (value === Infinity) return '9e999';
    if (value === -Infinity) return '-9e999';
    if (value !== value) return 'NULL';
    if (!Number.isInteger(value) || Math.abs(value) >= 1e21) return String(value);
    // A whole number beyond 2^53 is a REAL (the library holds such integers as BigInts), as
    // sql.js binds it: without a point the literal would be an INTEGER where no affinity
    // converts it (an untyped column's DEFAULT), and read back as a BigInt.
    return Number.isSafeInteger(value) ? value.toFixed(0) : `${value.toFixed(0)}.0`;
  }
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  let hex = '';
  for (const byte of value) hex += byte.toString(16).padStart(2, '0');
  return `X'${hex}'`;
}
