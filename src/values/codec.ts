import { PandalchemyError, type ErrorContext } from '../errors/pandalchemy-error';
import type { ColumnKind } from './column-kind';
import { INT64_MAX, INT64_MIN, type CellValue, type SqlValue } from './sql-value';

const NO_CONTEXT: ErrorContext = Object.freeze({});

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate). SQLite stores text as UTF-8, where a
 * lone surrogate has no encoding: it would be stored, and read back, as another character.
 */
export function isWellFormedText(text: string): boolean {
  const n = text.length;
  // Chromium's isWellFormed() costs ~170 ns a call whatever the length: short strings (most
  // cells) are scanned here, pairing surrogates by hand.
  if (n > 64) return (text as string & { isWellFormed(): boolean }).isWellFormed();
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || i + 1 === n) return false;
    const d = text.charCodeAt(i + 1);
    if (d < 0xdc00 || d > 0xdfff) return false;
    i++;
  }
  return true;
}

/**
 * Whether each of the first `n` values is NULL or text without NUL and without a lone surrogate
 * (text SQLite stores and gives back as it is). Checked on the values joined into one string: one
 * native scan rather than a check per value, for columns of many short strings. The separator
 * keeps a surrogate at the end of one value from pairing with one at the start of the next.
 */
export function isPlainTextColumn(values: ArrayLike<unknown>, n: number): boolean {
  if (!Array.isArray(values)) return false;
  for (let i = 0; i < n; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'string' && v !== null) return false;
  }
  const all = (values.length === n ? values : values.slice(0, n)).join('_');
  return !all.includes('\0') && (all as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * The canonical form of the most common values (strings for text, safe integers, finite reals)
 * without allocating anything; undefined when the full check is needed. Hot loops call this.
 */
export function fastCanonical(kind: ColumnKind, value: unknown): CellValue | undefined {
  switch (kind) {
    case 'text':
      return typeof value === 'string' && isWellFormedText(value) ? value : undefined;
    case 'real':
      return typeof value === 'number' && value === value ? (value === 0 ? 0 : value) : undefined;
    case 'integer':
    case 'numeric':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? value === 0
          ? 0
          : value
        : undefined;
    default:
      return undefined;
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Kinds whose columns take numbers. */
const NUMBERS: ReadonlySet<ColumnKind> = new Set(['integer', 'real', 'numeric', 'any']);

/** What a column of each kind takes, for the advice in an `invalid_value` message. */
const TAKES: Readonly<Record<ColumnKind, string>> = {
  integer: 'a whole number, or a BigInt from -2^63 to 2^63-1',
  real: 'a number, or a BigInt that a double holds exactly',
  numeric: 'a number, or a BigInt from -2^63 to 2^63-1',
  text: 'a string of valid Unicode',
  blob: 'a Uint8Array or an ArrayBuffer',
  boolean: 'true, false, 1 or 0',
  date: "a Date at UTC midnight or 'YYYY-MM-DD' text, in years 0000-9999",
  datetime: "a Date or 'YYYY-MM-DD HH:MM:SS' text, in years 0000-9999",
  any: 'a number, a BigInt, a string or bytes',
};

/**
 * Checks that `value` can go into a column of `kind` and returns it in canonical form: integers
 * beyond 2^53 as BigInt (others as numbers), -0 as 0, byte arrays copied, dates copied. Throws
 * `invalid_value` otherwise. `undefined` is NULL.
 *
 * @example
 * ```ts
 * normalizeValue('integer', 2n ** 60n) // 1152921504606846976n
 * normalizeValue('text', 4567) // throws invalid_value: not a string
 * ```
 */
export function normalizeValue(
  kind: ColumnKind,
  value: unknown,
  context: ErrorContext = NO_CONTEXT,
): CellValue {
  if (value === null || value === undefined) return null;
  const fast = fastCanonical(kind, value);
  if (fast !== undefined) return fast;
  const bad = (why: string): never => {
    throw new PandalchemyError(
      'invalid_value',
      `${describeValue(value)} cannot go into ${kind} column${at(context)}: ${why}. Pass ${TAKES[kind]}.`,
      context,
    );
  };
  if (typeof value === 'boolean' && NUMBERS.has(kind)) {
    return bad('booleans go into BOOLEAN columns (stored as 1 and 0: pass 1 or 0 here)');
  }
  switch (kind) {
    case 'integer':
      return toInteger(value, bad);
    case 'real':
      return toReal(value, bad);
    case 'numeric':
      if (typeof value === 'bigint') return toInteger(value, bad);
      if (typeof value === 'number' && Number.isInteger(value)) return toInteger(value, bad);
      return toReal(value, bad);
    case 'text':
      return typeof value === 'string' ? toText(value, bad) : bad('not a string');
    case 'blob':
      return toBytes(value) ?? bad('not bytes');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1 || value === 0n || value === 1n) return value == 1;
      return bad('not a boolean');
    case 'date':
      return toDay(value, bad);
    case 'datetime':
      return toDateTime(value, bad);
    case 'any':
      if (typeof value === 'string') return toText(value, bad);
      if (typeof value === 'bigint') return toInteger(value, bad);
      if (typeof value === 'number') {
        if (value !== value)
          return bad('NaN cannot be stored (SQLite turns it into NULL); use null');
        return value === 0 ? 0 : value;
      }
      return toBytes(value) ?? bad('not a number, BigInt, string or bytes');
  }
}

function toText(value: string, bad: (why: string) => never): string {
  if (isWellFormedText(value)) return value;
  return bad('it holds a lone surrogate, which is not Unicode and would be stored changed');
}

function toInteger(value: unknown, bad: (why: string) => never): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return bad('not a whole number');
    if (Number.isSafeInteger(value)) return value === 0 ? 0 : value;
    return toInteger(BigInt(value), bad);
  }
  if (typeof value === 'bigint') {
    if (value > INT64_MAX || value < INT64_MIN) return bad('out of the 64-bit integer range');
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  return bad('not a number');
}

function toReal(value: unknown, bad: (why: string) => never): number {
  if (typeof value === 'number') {
    if (value !== value) return bad('NaN cannot be stored (SQLite turns it into NULL); use null');
    return value === 0 ? 0 : value;
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    return BigInt(n) === value ? n : bad('this BigInt has no exact floating-point value');
  }
  return bad('not a number');
}

function toBytes(value: unknown): Uint8Array | undefined {
  // Copied so that a caller mutating its buffer later cannot change tracked data.
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  return undefined;
}

function toDay(value: unknown, bad: (why: string) => never): Date {
  const d = typeof value === 'string' ? parseDay(value) : value;
  if (typeof value === 'string' && d === null && DATE_RE.test(value)) {
    return bad(`it has the form YYYY-MM-DD, but ${missingPart(value)}`);
  }
  if (!(d instanceof Date)) return bad("not a Date or 'YYYY-MM-DD' text");
  const t = d.getTime();
  if (t !== t) return bad('an Invalid Date');
  if (t % 86_400_000 !== 0) {
    return bad('date columns hold calendar days: use a Date at UTC midnight (Date.UTC)');
  }
  checkYear(d, bad);
  return new Date(t);
}

function toDateTime(value: unknown, bad: (why: string) => never): Date {
  const d = typeof value === 'string' ? parseDateTime(value) : value;
  if (typeof value === 'string' && d === null && (DATETIME_RE.test(value) || DATE_RE.test(value))) {
    return bad(`it has the form YYYY-MM-DD HH:MM:SS, but ${missingPart(value)}`);
  }
  if (!(d instanceof Date)) return bad("not a Date or 'YYYY-MM-DD HH:MM:SS' text");
  if (d.getTime() !== d.getTime()) return bad('an Invalid Date');
  checkYear(d, bad);
  return new Date(d.getTime());
}

function checkYear(d: Date, bad: (why: string) => never): void {
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) bad('years outside 0000-9999 have no text form');
}

/**
 * The stored form of a canonical cell value: booleans as 1/0, DATE as `YYYY-MM-DD`, DATETIME as
 * `YYYY-MM-DD HH:MM:SS[.SSS]` (UTC). Other values are stored as they are.
 */
export function encodeValue(kind: ColumnKind, value: CellValue | undefined): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return kind === 'date' ? formatDay(value) : formatDateTime(value);
  return value;
}

/**
 * The cell value of a stored value: the inverse of {@link encodeValue}. Stored values that do not
 * have the column's canonical form (text in an INTEGER column, '2024-13-99' in a DATE column) are
 * returned unchanged, so that nothing read is ever altered.
 */
export function decodeValue(kind: ColumnKind, raw: SqlValue): CellValue {
  if (typeof raw === 'bigint') {
    raw =
      raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(raw)
        : raw;
  }
  switch (kind) {
    case 'boolean':
      return raw === 0 ? false : raw === 1 ? true : raw;
    case 'date':
      return (typeof raw === 'string' && parseDay(raw)) || raw;
    case 'datetime':
      return (typeof raw === 'string' && parseDateTime(raw)) || raw;
    default:
      return raw;
  }
}

/** `YYYY-MM-DD` of a Date in UTC. */
export function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM:SS` (with `.SSS` when there are milliseconds) of a Date in UTC. */
export function formatDateTime(d: Date): string {
  const iso = d.toISOString();
  const ms = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
}

function makeUtc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date | null {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  // Reject rollovers such as 2024-02-30 -> March 1st.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return date;
}

/**
 * What does not exist in date (and time) text of the right form that names no real moment, such
 * as `2024-02-30` or `2024-01-01 24:00:00`: for messages.
 */
function missingPart(text: string): string {
  const m = DATETIME_RE.exec(text) ?? DATE_RE.exec(text);
  if (!m) return 'it names no day';
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  const [h, mi, sec] = [+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
  if (mo < 1 || mo > 12) return `month ${m[2]} does not exist (months are 01-12)`;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  const inMonth = mo === 2 ? (makeUtc(y, 2, 29) ? 29 : 28) : days;
  if (d < 1 || d > inMonth)
    return `the date ${m[1]}-${m[2]}-${m[3]} does not exist (that month has ${inMonth} days)`;
  if (h > 23 || mi > 59 || sec > 59)
    return `the time ${m[4]}:${m[5]}${m[6] === undefined ? '' : `:${m[6]}`} does not exist (hours are 00-23, minutes and seconds 00-59)`;
  return 'it names no moment';
}

/** Parses `YYYY-MM-DD` into a Date at UTC midnight, or null. */
export function parseDay(text: string): Date | null {
  const m = DATE_RE.exec(text);
  return m ? makeUtc(+m[1]!, +m[2]!, +m[3]!) : null;
}

/** Parses an ISO-8601-like date and time (UTC unless an offset is given), or null. */
export function parseDateTime(text: string): Date | null {
  const m = DATETIME_RE.exec(text);
  if (!m) return parseDay(text);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const d = makeUtc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms);
  if (!d) return null;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    d.setTime(d.getTime() - offset * 60_000);
  }
  return d;
}

/** A short description of a value for messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `text '${value.slice(0, 37)}...'` : `text '${value}'`;
  }
  if (typeof value === 'bigint') return `BigInt ${value}`;
  if (typeof value === 'number') return `number ${Object.is(value, -0) ? '-0' : value}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Date)
    return `Date ${value.getTime() === value.getTime() ? value.toISOString() : 'Invalid'}`;
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return `symbol ${value.description ?? ''}`.trim();
  if (Array.isArray(value)) return `an array of ${value.length} value(s)`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(value as object);
    const shown = keys.slice(0, 4).map((k) => nameShort(k));
    return keys.length
      ? `an object { ${shown.join(', ')}${keys.length > 4 ? ', ...' : ''} }`
      : 'an empty object {}';
  }
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `a ${name} object` : 'an object';
}

/** A property name for messages, cut short when long. */
function nameShort(key: string): string {
  return key.length > 20 ? `${key.slice(0, 17)}...` : key;
}

function at(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.column !== undefined) parts.push(`'${context.column}'`);
  if (context.table !== undefined) parts.push(`of table '${context.table}'`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}
