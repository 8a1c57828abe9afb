import type { SqlValue } from './sql-value';
import { isWellFormedText } from './codec';

/** SQLite's column affinities (section 3 of "Datatypes In SQLite"). */
export type Affinity = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB';

/** The affinity of a declared type, by SQLite's five rules in order. */
export function affinityOf(declaredType: string): Affinity {
  const t = declaredType.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t.includes('BLOB') || t.trim() === '') return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const REAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function numericOf(text: string): number | bigint | null {
  if (INTEGER_TEXT.test(text)) {
    const b = BigInt(text.trim());
    if (b >= I64_MIN && b <= I64_MAX) return b;
    return Number(text);
  }
  if (REAL_TEXT.test(text)) return Number(text);
  return null;
}

function toInteger(n: number): number | bigint {
  // A REAL that an INTEGER holds without loss becomes an INTEGER under NUMERIC affinity.
  if (Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) {
    return Number.isSafeInteger(n) ? n : BigInt(n);
  }
  return n;
}

/** SQLite's text form of a REAL ("%!.15g"): always with a decimal point or an exponent. */
export function realToText(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : n < 0 ? '-Inf' : '';
  let s = n.toPrecision(15);
  if (s.includes('e')) {
    const [mantissa, e] = s.split('e') as [string, string];
    let m = mantissa;
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '.0');
    else m += '.0';
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '.0');
  else s += '.0';
  return s;
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
 * What reading a column of `affinity` back gives for `value` as sql.js binds it, where that is
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
    // sql.js binds a BigInt as its decimal text: only a numeric affinity makes it an INTEGER again.
    if (affinity !== 'INTEGER' && affinity !== 'NUMERIC') return undefined;
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
