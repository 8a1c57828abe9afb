import { isWellFormedText } from '../../values/codec';
import { INT64_MAX, INT64_MIN } from '../../values/sql-value';
import { bad, shown } from './malformed';

/** A stored value: NULL, a number (not NaN), a 64-bit integer, valid text or bytes. */
export function sqlValue(v: unknown, at: string): void {
  switch (typeof v) {
    case 'number':
      if (v !== v) bad(at, 'is NaN, which SQLite stores as NULL');
      return;
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) bad(at, `is ${v}n, outside the 64-bit integer range`);
      return;
    case 'string':
      if (!isWellFormedText(v)) bad(at, 'is text holding a lone surrogate');
      return;
    default:
      if (v === null || v instanceof Uint8Array) return;
      bad(at, `is ${shown(v)}, not a stored value (a number, a BigInt, text, bytes or null)`);
  }
}

/** A value as a guard expects it (decoded: booleans and dates too). */
function cellValue(v: unknown, at: string): void {
  if (typeof v === 'boolean') return;
  if (v instanceof Date) {
    if (v.getTime() !== v.getTime()) bad(at, 'is an Invalid Date');
    return;
  }
  sqlValue(v, at);
}

/** Whether every string of `values` is well-formed text: one native scan of them all. */
function wellFormedTexts(values: readonly unknown[]): boolean {
  // The separator keeps a surrogate at the end of one value from pairing with the next one's.
  return (values.join('\u0001') as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Whether every value is a number (not NaN), NULL or text: the common column, checked in one
 * loop (text's well-formedness in one scan) rather than value by value.
 */
function plainColumn(values: readonly unknown[]): boolean {
  let text = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') text = true;
    else if (!(typeof v === 'number' && v === v) && v !== null) return false;
  }
  return !text || wellFormedTexts(values);
}

/** Checks a column of `n` values (`n` undefined: any length). */
type ColumnCheck = (v: unknown, at: string, n?: number) => void;

/** A column of values, each checked by `each`. */
function column(each: (v: unknown, at: string) => void): ColumnCheck {
  return (v, at, n) => {
    if (v instanceof Float64Array) {
      for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) bad(`${at}[${i}]`, 'is NaN');
    } else if (Array.isArray(v)) {
      if (!plainColumn(v)) for (let i = 0; i < v.length; i++) each(v[i], `${at}[${i}]`);
    } else {
      bad(at, `is ${shown(v)}, not a column of values (an array or a Float64Array)`);
    }
    const length = (v as ArrayLike<unknown>).length;
    if (n !== undefined && length !== n) bad(at, `holds ${length} values, not ${n}`);
  };
}

/**
 * A column of stored values (see {@link sqlValue}).
 *
 * @example
 * ```ts
 * storedColumn([1, 'a', null], 'plan.steps[0].values[0]', 3); // passes
 * ```
 */
export const storedColumn = column(sqlValue);

/** A column of values as a guard expects them (booleans and dates too). */
export const cellColumn = column(cellValue);

/**
 * A list of `width` columns of `n` values each.
 *
 * @example
 * ```ts
 * columns(step.values, 'plan.steps[0].values', step.columns.length, step.count);
 * ```
 */
export function columns(
  v: unknown,
  at: string,
  width: number,
  n: number | undefined,
  each = storedColumn,
): void {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of columns`);
  if (v.length !== width) bad(at, `holds ${v.length} columns, not ${width}`);
  v.forEach((c: unknown, i) => each(c, `${at}[${i}]`, n));
}
