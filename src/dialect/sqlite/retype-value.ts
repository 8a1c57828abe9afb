import { decodeValue, encodeValue } from '../../values/codec';
import { declaredTypeOf, kindOf, type ColumnKind } from '../../values/column-kind';
import type { CellValue, SqlValue } from '../../values/sql-value';
import { valuesEqual } from '../../values/values-equal';
import { affinityOf, applyAffinity } from './affinity';

/** A value converted to a column's new type, and whether the conversion loses nothing. */
export interface RetypedValue {
  /** The value as the column holds it after the change (what SQLite's rebuild stores). */
  readonly value: CellValue;
  /**
   * True when converting the value back to its old type gives the value it was: nothing is lost.
   * False for text such as '01067', '1e3', ' 7' or '7.0' made INTEGER (it comes back as '1067',
   * '1000', '7', '7'), for '2' made REAL (it comes back as '2.0'), for an integer past 2^53 made
   * REAL, and so on. Text made a REAL converts back as `realToText` writes the number;
   * SQLite writes some numbers with other last digits (its printer is approximate), which is the
   * same number.
   */
  readonly exact: boolean;
}

/**
 * Converts a value of a column of kind `from` to declared type `toType`, as SQLite converts it
 * when the table is rebuilt with the new type (affinity rules), and tells whether converting it
 * back gives the same value.
 *
 * @example
 * ```ts
 * retypeValue('01067', 'text', 'INTEGER') // { value: 1067, exact: false }
 * retypeValue('1067', 'text', 'INTEGER') // { value: 1067, exact: true }
 * ```
 */
export function retypeValue(value: CellValue, from: ColumnKind, toType: string): RetypedValue {
  if (value === null) return { value: null, exact: true };
  const stored = encodeValue(from, value);
  const real = from === 'real' || (from === 'any' && boundAsReal(stored));
  const converted = applyAffinity(toType, stored, real);
  // Back into a column of the old type's affinity (that of its kind's canonical declared type,
  // see `kindOf`), from what the new column holds.
  const backType = declaredTypeOf(from);
  const back = applyAffinity(backType, converted, storedAsReal(converted, toType, real));
  const before = decodeValue(from, back);
  return {
    value: decodeValue(kindOf(toType), converted),
    exact: sameType(before, value) && valuesEqual(before, value),
  };
}

/**
 * Whether sql.js binds a number as a REAL: when it is not a 32-bit integer. In a column of no
 * declared type the value keeps that storage class (its text form then ends in `.0`).
 */
function boundAsReal(v: SqlValue): boolean {
  return typeof v === 'number' && v !== (v | 0);
}

/** Whether a value that `applyAffinity` stored under `type` is a REAL (see its `fromReal`). */
function storedAsReal(v: SqlValue, type: string, wasReal: boolean): boolean {
  if (typeof v !== 'number') return false;
  switch (affinityOf(type)) {
    case 'REAL':
      return true;
    case 'BLOB':
      return wasReal || !Number.isInteger(v);
    default:
      // INTEGER and NUMERIC affinity store whole numbers within 64 bits as INTEGER (BigInt past
      // 2^53): a number left is a fraction, or past the 64-bit range.
      return !Number.isSafeInteger(v);
  }
}

/** Whether two values have one JavaScript type (an integer as a number or a BigInt is one). */
function sameType(a: CellValue, b: CellValue): boolean {
  const t = (v: CellValue): string =>
    typeof v === 'bigint' ? 'number' : v instanceof Date ? 'date' : typeof v;
  return t(a) === t(b);
}
