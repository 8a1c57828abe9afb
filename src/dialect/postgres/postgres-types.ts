import { PandalchemyError } from '../../errors/pandalchemy-error';
import { kindOf, type ColumnKind } from '../../values/column-kind';
import { INT64_MAX, INT64_MIN, type SqlValue } from '../../values/sql-value';
import { asciiLower } from '../../values/ascii-case';
import { applyAffinity } from '../sqlite/affinity';

/**
 * A value as the PostgreSQL dialect binds it: text in PostgreSQL's input syntax for every type
 * but `bytea`, whose bytes go as they are. Text parameters take the type of the column they are
 * compared with or written to, so one form serves node-postgres and PGlite alike.
 */
export type PostgresValue = string | Uint8Array | null;

/**
 * The PostgreSQL type a declared type of this library becomes (by its {@link ColumnKind}):
 *
 * | declared (kind)                | PostgreSQL         |
 * |--------------------------------|--------------------|
 * | INTEGER, BIGINT... (integer)   | `bigint`           |
 * | REAL, DOUBLE... (real)         | `double precision` |
 * | NUMERIC, DECIMAL... (numeric)  | `numeric`          |
 * | TEXT, VARCHAR(n)... (text)     | `text`             |
 * | BLOB (blob)                    | `bytea`            |
 * | BOOLEAN (boolean)              | `boolean`          |
 * | DATE (date)                    | `date`             |
 * | DATETIME, TIMESTAMP (datetime) | `timestamp(3)` (UTC, milliseconds) |
 *
 * A column without a declared type (SQLite's `any`) has no PostgreSQL counterpart: refused.
 *
 * @example
 * ```ts
 * postgresType('VARCHAR(20)', 'name') // 'text'
 * ```
 */
export function postgresType(declaredType: string, column: string): string {
  const kind = kindOf(declaredType);
  if (kind === 'any') {
    throw new PandalchemyError(
      'invalid_plan',
      `Column ${JSON.stringify(column)} has no declared type, and PostgreSQL has no untyped column: declare its type (INTEGER, REAL, TEXT, BLOB, BOOLEAN, DATE, DATETIME...) before pushing it to PostgreSQL.`,
      { column },
    );
  }
  return POSTGRES_TYPES[kind];
}

const POSTGRES_TYPES: Record<Exclude<ColumnKind, 'any'>, string> = {
  integer: 'bigint',
  real: 'double precision',
  numeric: 'numeric',
  text: 'text',
  blob: 'bytea',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp(3)',
};

/**
 * The kind of a PostgreSQL column, from its type as `format_type` names it. Types this library
 * does not create (json, uuid, interval...) are read and written as their text form.
 */
export function kindOfPostgresType(type: string): ColumnKind {
  const t = asciiLower(type);
  if (t === 'bigint' || t === 'integer' || t === 'smallint') return 'integer';
  if (t === 'double precision' || t === 'real') return 'real';
  if (t.startsWith('numeric')) return 'numeric';
  if (t === 'bytea') return 'blob';
  if (t === 'boolean') return 'boolean';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'datetime';
  return 'text';
}

/**
 * A value a plan writes where PostgreSQL cannot take it at all: bytes into a column that is not
 * `bytea`, anything else into one that is, or a whole number past the 64-bit range into a NUMERIC
 * column (no NUMERIC value of this library: SQLite keeps it as a REAL, as `retypeColumn(…,
 * { invalid: 'keep' })` keeps 1e300 made NUMERIC, and a type change refuses it too, see
 * `retypeExpression`). The PostgreSQL dialect reports it as a value of the wrong type
 * (`failureOf`), so the push fails with `invalid_value` naming the table, the column and the row.
 */
export class WrongTypeValue extends Error {
  /** The column written, when known. */
  readonly column: string | undefined;
  constructor(kind: ColumnKind, value: SqlValue, column?: string) {
    const shown = `${typeof value} ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}`;
    super(
      value instanceof Uint8Array
        ? `bytes cannot go into a column of kind ${kind}`
        : kind === 'blob'
          ? `${shown} cannot go into a bytea column, which holds bytes only`
          : typeof value === 'string'
            ? `${shown} cannot go into a ${kind} column: SQLite keeps that text as text there, and a PostgreSQL ${kind} column holds no text`
            : `${shown} cannot go into a ${kind} column: a whole number past the 64-bit integer range is no ${kind} value`,
    );
    this.name = 'WrongTypeValue';
    this.column = column;
  }
}

const TWO_63 = 2 ** 63;

/**
 * Refuses a value of a form no column of `kind` takes (see {@link WrongTypeValue}). `stored`:
 * whether it goes into a column of `kind` as it is (not converted to the column's type first).
 */
export function checkValueForm(
  kind: ColumnKind,
  value: SqlValue,
  column?: string,
  stored = false,
): void {
  if (value === null) return;
  if (
    value instanceof Uint8Array !== (kind === 'blob') ||
    (stored &&
      kind === 'numeric' &&
      typeof value === 'number' &&
      Number.isInteger(value) &&
      (value >= TWO_63 || value < -TWO_63))
  )
    throw new WrongTypeValue(kind, value, column);
}

/** A stored value (as the plan carries it) as the dialect binds it to a column of `kind`. */
export function toPostgresValue(kind: ColumnKind, value: SqlValue | undefined): PostgresValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (kind === 'boolean' && (value === 1 || value === 0)) return value === 1 ? 'true' : 'false';
  // String(number) is the shortest text that reads back as the same double; PostgreSQL reads
  // 'Infinity' and '-Infinity' too.
  return String(value);
}

/**
 * A value read as text (or bytes, for `bytea`) back in stored form, as SQLite would hold it for a
 * column of `kind`: integers as numbers (BigInt past 2^53), booleans as 1 and 0, dates as
 * `YYYY-MM-DD`, timestamps as `YYYY-MM-DD HH:MM:SS` with `.SSS` when there are milliseconds.
 */
export function fromPostgresText(kind: ColumnKind, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  const text = String(value);
  switch (kind) {
    case 'integer':
      return integerOf(text) ?? text;
    case 'real':
      return Number(text);
    case 'numeric': {
      // Whole numbers past 64 bits are doubles in SQLite (a REAL made NUMERIC: 1e300).
      const n = integerOf(text);
      return n === null || (typeof n === 'bigint' && (n > INT64_MAX || n < INT64_MIN))
        ? Number(text)
        : n;
    }
    case 'boolean':
      return text === 'true' || text === 't' ? 1 : text === 'false' || text === 'f' ? 0 : text;
    case 'datetime':
      return dateTimeOf(text);
    default:
      return text;
  }
}

const INTEGER_TEXT = /^-?\d+$/;

function integerOf(text: string): number | bigint | null {
  if (!INTEGER_TEXT.test(text)) return null;
  const n = BigInt(text);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}

/** PostgreSQL's `2020-01-01 00:00:01.5` as this library stores it: `2020-01-01 00:00:01.500`. */
function dateTimeOf(text: string): string {
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  const ms = text.slice(dot + 1, dot + 4).padEnd(3, '0');
  return ms === '000' ? text.slice(0, dot) : `${text.slice(0, dot)}.${ms}`;
}

/** A declared type of each numeric kind's affinity. */
const NUMERIC_TYPES: Partial<Record<ColumnKind, string>> = {
  integer: 'INTEGER',
  real: 'REAL',
  numeric: 'NUMERIC',
};

/**
 * Text written as it is into a numeric column, as SQLite stores it there: the number its affinity
 * makes of it (`'1e3'` in an INTEGER column is 1000, `' 12'` is 12), bound as that number, so that
 * PostgreSQL does not parse the text by rules of its own. Text SQLite keeps as text (`'NaN'`,
 * `'Infinity'`, `'abc'`), which PostgreSQL would turn into a special number or refuse, is refused
 * (see {@link WrongTypeValue}). Any other value is returned as it is.
 */
export function numericTextForm(kind: ColumnKind, value: SqlValue, column?: string): SqlValue {
  const type = NUMERIC_TYPES[kind];
  if (typeof value !== 'string' || type === undefined) return value;
  const stored = applyAffinity(type, value);
  if (typeof stored === 'string') throw new WrongTypeValue(kind, value, column);
  return stored;
}
