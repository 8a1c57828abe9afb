import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { parseDay } from '../values/codec';
import { inferDeclaredType } from '../values/infer-type';
import type { CellValue } from '../values/sql-value';
import { ownField } from '../values/own-field';

const INTEGER = /^[+-]?(?:0|[1-9]\d*)$/;
const REAL = /^[+-]?(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const I64_MAX = 9223372036854775807n;

/**
 * Types of text columns (as parsed from CSV): INTEGER when every value is an integer written
 * without leading zeros, REAL when every value is a number, BOOLEAN for true/false, DATE for
 * YYYY-MM-DD, else TEXT; no declared type ('') when every value is empty. Text with leading zeros
 * ('04567') stays TEXT, and so do integers past 64 bits and, in a column that is not all
 * integers, any number a double does not read back as written (9007199254740993,
 * 0.10000000000000000555, 1e400): a number column would hold them rounded. Empty strings are NULL.
 */
export function inferTextColumn(values: ArrayLike<unknown>): { type: string; values: CellValue[] } {
  let integer = true;
  let real = true;
  let bool = true;
  let day = true;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || v === '') continue;
    const s = String(v);
    any = true;
    const whole = INTEGER.test(s);
    const inRange = whole && BigInt(s) <= I64_MAX && BigInt(s) >= -I64_MAX - 1n;
    if (integer && !inRange) integer = false;
    // A number a double would hold other than as written (an integer past 2^53, more digits than
    // a double keeps, past the double range) would be stored rounded: the column stays text.
    if (real && !(REAL.test(s) && /\d/.test(s) && !/^[+-]?0\d/.test(s) && doubleHolds(s)))
      real = false;
    if (bool && s !== 'true' && s !== 'false') bool = false;
    if (day && !parseDay(s)) day = false;
  }
  // Nothing to infer from (no rows, or only empty fields): no declared type, which holds whatever
  // a later edit writes, where TEXT refused numbers.
  const type = !any
    ? ''
    : integer
      ? 'INTEGER'
      : real
        ? 'REAL'
        : bool
          ? 'BOOLEAN'
          : day
            ? 'DATE'
            : 'TEXT';
  const out = Array.from(values, (v): CellValue => {
    if (v === null || v === undefined || v === '') return null;
    const s = String(v);
    switch (type) {
      case 'INTEGER': {
        const b = BigInt(s);
        return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(b)
          : b;
      }
      case 'REAL':
        return Number(s);
      case 'BOOLEAN':
        return s === 'true';
      case 'DATE':
        return parseDay(s);
      default:
        return s;
    }
  });
  return { type, values: out };
}

/** Declared types of an Arquero table's columns: explicit ones first, else inferred. */
export function inferTypes(
  table: ColumnTable,
  explicit: Readonly<Record<string, string>> = {},
): Record<string, string> {
  // Own properties only, into a record without a prototype: a column may be named `constructor`,
  // `valueOf` or `toString`, which a plain object's lookup finds on Object.prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const name of table.columnNames()) {
    const given = ownField(explicit, name);
    out[name] = given ?? inferOrText(table.array(name), name);
  }
  return out;
}

function inferOrText(values: ArrayLike<unknown>, name: string): string {
  try {
    const all = Array.from(values);
    const type = inferDeclaredType(all, name);
    // Whole doubles past 64 bits (1e20) are numbers an INTEGER column refuses (out of range):
    // REAL holds them as they are.
    return type === 'INTEGER' && all.some((v) => typeof v === 'number' && !fitsInt64(v))
      ? 'REAL'
      : type;
  } catch (e) {
    // A column of only NULLs (or of no rows) has no type to infer: no declared type, which holds
    // anything a later edit writes (TEXT refused numbers, invalid_value).
    if (e instanceof PandalchemyError && /only NULL/.test(e.message)) return '';
    throw e;
  }
}

/** Whether a whole number is within SQLite's 64-bit integers (2^63 itself is not). */
function fitsInt64(n: number): boolean {
  return n >= -(2 ** 63) && n < 2 ** 63;
}

/**
 * Whether the double nearest to decimal text `s` reads back as the same number: the shortest
 * decimal JavaScript writes for it has the same digits and exponent. `0.1` and `1.50` do;
 * `9007199254740993` (read as ...992) and `1e-400` (read as 0) do not.
 */
function doubleHolds(s: string): boolean {
  const n = Number(s);
  return Number.isFinite(n) && decimalForm(s) === decimalForm(String(n));
}

/** Decimal text as sign, significant digits and exponent: '-1.50e1' -> '-15e0', '0' -> '0'. */
function decimalForm(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const fraction = m[3] ?? '';
  let digits = (m[2]! + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let exponent = Number(m[4] ?? 0) - fraction.length;
  const zeros = /0*$/.exec(digits)![0].length;
  digits = digits.slice(0, digits.length - zeros);
  exponent += zeros;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}
