import type { SqlValue } from '../../values/sql-value';
import { isWellFormedText } from '../../values/codec';
import { asciiTrim, asciiUpper } from '../../values/ascii-case';

/** SQLite's column affinities (section 3 of "Datatypes In SQLite"). */
export type Affinity = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB';

/** The affinity of a declared type, by SQLite's five rules in order. */
export function affinityOf(declaredType: string): Affinity {
  const t = asciiUpper(declaredType);
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t.includes('BLOB') || asciiTrim(t) === '') return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

// SQLite skips ASCII space around a number in text, nothing else (`\s` would take a no-break space).
const INTEGER_TEXT = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/;
const REAL_TEXT = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\v\f\r]*$/;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function numericOf(text: string): number | bigint | null {
  if (INTEGER_TEXT.test(text)) {
    const b = BigInt(asciiTrim(text));
    if (b >= I64_MIN && b <= I64_MAX) return b;
    return Number(text);
  }
  if (REAL_TEXT.test(text)) return Number(text);
  return null;
}

function toInteger(n: number): number | bigint {
  // A REAL that an INTEGER holds without loss becomes an INTEGER under NUMERIC affinity; SQLite
  // leaves -2^63 a REAL (it converts only values strictly between the 64-bit limits).
  if (Number.isInteger(n) && n > -9223372036854775808 && n < 9223372036854775808) {
    return Number.isSafeInteger(n) ? n : BigInt(n);
  }
  return n;
}

/**
 * SQLite's text form of a REAL (3.54): 15 significant digits when they give the number back, else
 * 17; plain notation for exponents from -4 to 16, with `.0` when there is no fraction, else
 * `d.ddde±XX`. SQLite computes the digits with its own approximate arithmetic: for numbers that
 * need more than 15 digits its last digit may differ from this one (the number is the same).
 *
 * @example
 * ```ts
 * realToText(3) // '3.0'
 * realToText(1e-7) // '1.0e-07'
 * realToText(1 / 3) // '0.33333333333333331'
 * ```
 */
export function realToText(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : n < 0 ? '-Inf' : '';
  if (n === 0) return '0.0';
  let s = n.toExponential(14);
  if (Number(s) !== n) s = n.toExponential(16);
  const sign = s.startsWith('-') ? '-' : '';
  const [mantissa, e] = s.slice(sign.length).split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e);
  if (exp < -4 || exp >= 17) {
    const abs = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${digits[0]}.${digits.slice(1) || '0'}e${exp < 0 ? '-' : '+'}${abs}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

/**
 * What SQLite stores when `value` is written to a column of `declaredType`: numeric-looking text
 * becomes a number under INTEGER, REAL and NUMERIC affinity, numbers become text under TEXT
 * affinity, lossless REALs become INTEGERs under INTEGER and NUMERIC affinity. `fromReal` says
 * that numbers are stored as REAL (their text form then has a decimal point). Used to predict the
 * values of a column whose type changes (the table rebuild copies rows through this conversion).
 */
export function applyAffinity(declaredType: string, value: SqlValue, fromReal = false): SqlValue {
  if (value === null || value instanceof Uint8Array) return value;
  switch (affinityOf(declaredType)) {
    case 'BLOB':
      return value;
    case 'TEXT':
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint') return value.toString();
      return fromReal || !Number.isInteger(value) ? realToText(value) : String(value);
    case 'REAL':
      if (typeof value === 'string') {
        const n = numericOf(value);
        return n === null ? value : Number(n);
      }
      return Number(value);
    case 'INTEGER':
    case 'NUMERIC': {
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number') return toInteger(value);
      const n = numericOf(value);
      if (n === null) return value;
      return typeof n === 'bigint' ? n : toInteger(n);
    }
  }
}

const INT64_LOW = -9223372036854775808n;
const INT64_HIGH = 9223372036854775807n;
const SAFE_LOW = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_HIGH = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * What reading a column of `affinity` back gives for `value` as the engine binds it, where that is
 * certain without asking SQLite; undefined wherever SQLite might store something else: a number
 * under TEXT affinity, text with a digit under a numeric one (it may look numeric), NaN (stored
 * as NULL), -0, integers that come back as BigInt, text holding NUL or a lone surrogate. Lets a
 * push skip reading back the rows it has just inserted.
 */
export function storedExactly(affinity: Affinity, value: SqlValue): SqlValue | undefined {
  if (value === null || value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (value.includes('\0') || !isWellFormedText(value)) return undefined;
    return affinity === 'TEXT' || affinity === 'BLOB' || !/\d/.test(value) ? value : undefined;
  }
  if (typeof value === 'bigint') {
    // The engine binds a BigInt as the integer it is (sql.js alone would bind its decimal text,
    // see `ExactStatement`): INTEGER, NUMERIC and BLOB affinity keep it; REAL and TEXT do not.
    if (affinity === 'REAL' || affinity === 'TEXT') return undefined;
    if (value < INT64_LOW || value > INT64_HIGH) return undefined;
    return value >= SAFE_LOW && value <= SAFE_HIGH ? Number(value) : value;
  }
  if (!Number.isFinite(value) || Object.is(value, -0) || affinity === 'TEXT') return undefined;
  // Under INTEGER and NUMERIC affinity a whole number is stored as an INTEGER, which comes back
  // as a BigInt beyond 2^53.
  if ((affinity === 'INTEGER' || affinity === 'NUMERIC') && Number.isInteger(value))
    return Number.isSafeInteger(value) ? value : undefined;
  return value;
}
