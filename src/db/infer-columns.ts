import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { parseDay } from '../values/codec';
import { inferDeclaredType } from '../values/infer-type';
import type { CellValue } from '../values/sql-value';

const INTEGER = /^[+-]?(?:0|[1-9]\d*)$/;
const REAL = /^[+-]?(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const I64_MAX = 9223372036854775807n;

/**
 * Types of text columns (as parsed from CSV): INTEGER when every value is an integer written
 * without leading zeros, REAL when every value is a number, BOOLEAN for true/false, DATE for
 * YYYY-MM-DD, else TEXT. Text with leading zeros ('04567') stays TEXT, and so do integers past
 * 64 bits and numbers past the double range, which a number column would hold rounded. Empty
 * strings are NULL.
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
    // Integers past 64 bits and numbers past the double range would be stored rounded: text.
    if (
      real &&
      !(
        REAL.test(s) &&
        /\d/.test(s) &&
        !/^[+-]?0\d/.test(s) &&
        (!whole || inRange) &&
        Number.isFinite(Number(s))
      )
    )
      real = false;
    if (bool && s !== 'true' && s !== 'false') bool = false;
    if (day && !parseDay(s)) day = false;
  }
  const type = !any
    ? 'TEXT'
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
  const out: Record<string, string> = {};
  for (const name of table.columnNames()) {
    out[name] = explicit[name] ?? inferOrText(table.array(name), name);
  }
  return out;
}

function inferOrText(values: ArrayLike<unknown>, name: string): string {
  try {
    return inferDeclaredType(Array.from(values), name);
  } catch (e) {
    // A column of only NULLs has no type to infer: TEXT holds anything a later edit writes.
    if (e instanceof PandalchemyError && /only NULL/.test(e.message)) return 'TEXT';
    throw e;
  }
}
