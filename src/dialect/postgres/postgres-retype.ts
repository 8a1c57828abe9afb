import type { ColumnKind } from '../../values/column-kind';
import { postgresLiteral } from './postgres-text';

/**
 * How a stored value converts when its column changes type, as the `USING` expression of
 * `ALTER COLUMN ... TYPE` (and, applied to the old default, the new default).
 *
 * The SQLite engine rewrites the column under the new type's affinity: text that reads as a number
 * becomes one, a whole REAL becomes an INTEGER, and what does not convert stays as it was (text in
 * an INTEGER column, bytes anywhere). PostgreSQL holds values of the column's type only. So each
 * expression gives exactly the value SQLite ends up with where that value is one of the new type
 * (as a tracked table reads it: 1 and 0 in a BOOLEAN column are true and false, `YYYY-MM-DD` text
 * in a DATE column a date), and fails the push with an `invalid_value` error naming the value
 * where it is not (2.5 made INTEGER, 12 made BOOLEAN, 'abc' made REAL, any value made BLOB): never
 * a rounded or otherwise different value. NULL stays NULL.
 *
 * Reals made TEXT are the one pair that converts differently (PostgreSQL prints `1`, SQLite
 * `1.0`): README, "The same plans in PostgreSQL".
 *
 * @example
 * ```ts
 * retypeExpression('"x"', 'boolean', 'integer', 'bigint', 'INTEGER') // '"x"::int::bigint'
 * ```
 */
export function retypeExpression(
  x: string,
  from: ColumnKind,
  to: ColumnKind,
  type: string,
  declaredType: string,
  /** What a value that does not convert gives: a failure naming it, or NULL. */
  invalid: 'fail' | 'null' = 'fail',
): string {
  const fail = invalid === 'null' ? `NULL::${type}` : refusal(x, to, type, declaredType);
  const when = (cases: [string, string][]): string =>
    `CASE ${cases.map(([c, v]) => `WHEN ${c} THEN ${v}`).join(' ')} ELSE ${fail} END`;
  if (from === to || to === 'any') return `${x}::${type}`;
  // Bytes stay bytes in SQLite whatever the type (and nothing else becomes bytes).
  if (from === 'blob' || to === 'blob') return fail;
  const number = from === 'integer' || from === 'numeric' || from === 'real';
  switch (to) {
    case 'integer':
    case 'numeric': {
      if (from === 'boolean') return `${x}::int::${type}`;
      if (from === 'integer') return `${x}::${type}`;
      if (from === 'real' || from === 'numeric') return wholeOrReal(x, from, to, type, fail);
      if (from === 'text') {
        // An integer literal SQLite reads exactly; other number text as a double (as SQLite).
        // Nested CASEs: PostgreSQL does not promise to test AND's operands in order.
        const real = wholeOrReal(textToDouble(x), 'real', to, type, fail);
        return when([
          [
            `${x} ~ ${INTEGER_TEXT}`,
            `CASE WHEN ${x}::numeric BETWEEN ${INT64_MIN} AND ${INT64_MAX} THEN ${x}::numeric::${type} ELSE ${real} END`,
          ],
          [`${x} ~ ${NUMBER_TEXT}`, real],
        ]);
      }
      return fail;
    }
    case 'real':
      if (from === 'boolean') return `${x}::int::${type}`;
      if (number) return `${x}::${type}`;
      if (from === 'text') return when([[`${x} ~ ${NUMBER_TEXT}`, textToDouble(x)]]);
      return fail;
    case 'boolean': {
      // Only 1 and 0 (or text that reads as them) are booleans in SQLite's BOOLEAN column.
      if (!number && from !== 'text') return fail;
      const v = from === 'text' ? textToDouble(x) : x;
      const bool = when([
        [`${v} = 1`, 'true'],
        [`${v} = 0`, 'false'],
      ]);
      return from === 'text' ? when([[`${x} ~ ${NUMBER_TEXT}`, bool]]) : bool;
    }
    case 'text':
      if (from === 'boolean') return `${x}::int::text`;
      if (from === 'datetime') return datetimeText(x);
      return `${x}::text`;
    case 'date':
      if (from === 'text')
        return when([[`${x} ~ ${DATE_TEXT}`, ifRealDate(x, `${x}::date`, fail)]]);
      return fail;
    case 'datetime':
      if (from === 'date') return `${x}::${type}`;
      if (from === 'text') {
        const ms = (t: string): string => `date_trunc('milliseconds', ${t})::${type}`;
        return when([
          [`${x} ~ ${DATETIME_TEXT}`, ifRealDate(x, ms(`${x}::timestamp`), fail)],
          // With a UTC offset: the moment it names, in UTC (as the library reads such text).
          [
            `${x} ~ ${DATETIME_ZONE_TEXT}`,
            ifRealDate(x, ms(`${x}::timestamptz AT TIME ZONE 'UTC'`), fail),
          ],
        ]);
      }
      return fail;
  }
}

/**
 * `then` where text that starts `YYYY-MM-DD` names a day that exists (not 2020-02-30, nor year
 * 0, which PostgreSQL does not read), else `otherwise`: tested without reading it as a date, which
 * would fail the statement rather than give `otherwise` (NULL, where a type change leaves NULL).
 */
function ifRealDate(x: string, then: string, otherwise: string): string {
  const part = (from: number, length: number): string => `substr(${x}, ${from}, ${length})::int`;
  const lastDay = `extract(day from (substr(${x}, 1, 8) || '01')::date + interval '1 month' - interval '1 day')`;
  // Nested: PostgreSQL does not promise to test AND's operands in order.
  return `CASE WHEN ${part(1, 4)} >= 1 AND ${part(6, 2)} BETWEEN 1 AND 12 THEN CASE WHEN ${part(9, 2)} BETWEEN 1 AND ${lastDay} THEN ${then} ELSE ${otherwise} END ELSE ${otherwise} END`;
}

/**
 * Number text (matching `NUMBER_TEXT`) as the double SQLite reads it: past the largest double
 * it is infinite and below the smallest it is 0, where PostgreSQL's own reading fails the
 * statement. Read exactly as a numeric first, then rounded.
 */
function textToDouble(x: string): string {
  const n = `${x}::numeric`;
  return `(CASE WHEN abs(${n}) > 1.7976931348623157e308 THEN sign(${n})::double precision * 'Infinity'::double precision WHEN abs(${n}) < 2.4703282292062328e-324 THEN 0::double precision ELSE ${n}::double precision END)`;
}

/** A timestamp as the text this library stores: `YYYY-MM-DD HH:MM:SS`, `.SSS` when not zero. */
export function datetimeText(x: string): string {
  return `regexp_replace(to_char(${x}, 'YYYY-MM-DD HH24:MI:SS.MS'), '\\.000$', '')`;
}

const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';

/** Text SQLite reads as an integer (sqlite3Atoi64): spaces around, a sign, digits. */
const INTEGER_TEXT = postgresLiteral('^\\s*[+-]?[0-9]+\\s*$');
/** Text SQLite reads as a number (sqlite3AtoF): no hex, no `Infinity`, no `NaN`, no `_`. */
const NUMBER_TEXT = postgresLiteral(
  '^\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$',
);
/** Date text a DATE column reads as a date. */
const DATE_TEXT = postgresLiteral('^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
/**
 * Date and time text a DATETIME column reads as a moment (`parseDateTime`): a date alone, or with
 * a time whose hours, minutes and seconds are in range (PostgreSQL would read 24:00 and :60 as
 * the next day and minute), a fraction of at most 6 digits (cut to milliseconds, as it is read).
 */
const TIME = '[ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?';
const DATETIME_TEXT = postgresLiteral(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(${TIME})?$`);
/** The same with a UTC offset. */
const DATETIME_ZONE_TEXT = postgresLiteral(
  `^[0-9]{4}-[0-9]{2}-[0-9]{2}${TIME}(Z|[+-][0-9]{2}:?[0-9]{2})$`,
);

/**
 * A number made INTEGER or NUMERIC as SQLite's affinity makes it: a whole double strictly inside
 * the 64-bit range becomes an integer; another stays a double, which an INTEGER column refuses and
 * a NUMERIC one holds (as the shortest text that reads back as the same double) unless it is whole
 * (1e20: no NUMERIC value of this library, which holds 64-bit integers and doubles with a
 * fraction).
 */
function wholeOrReal(
  x: string,
  from: 'real' | 'numeric',
  to: 'integer' | 'numeric',
  type: string,
  fail: string,
): string {
  const inRange =
    from === 'real'
      ? `${x} > -9.223372036854775808e18 AND ${x} < 9.223372036854775808e18`
      : `${x} BETWEEN ${INT64_MIN} AND ${INT64_MAX}`;
  const whole = `CASE WHEN ${inRange} THEN ${x}::bigint::${type} ELSE ${fail} END`;
  const other = to === 'integer' ? fail : from === 'real' ? `${x}::text::numeric` : x;
  return `CASE WHEN ${x} = trunc(${x}) AND abs(${x}) <> 'Infinity' THEN ${whole} ELSE ${other} END`;
}

/**
 * An expression of `type` that fails with an `invalid_value` error naming the value (NULL gives
 * NULL): its text, marked, cast to a type that cannot read it.
 */
function refusal(x: string, to: ColumnKind, type: string, declaredType: string): string {
  const text = `(${x}::text || ${postgresLiteral(` (does not convert to ${declaredType})`)})`;
  // Text and bytes read any text: those fail through bigint.
  if (to === 'text' || to === 'blob')
    return `(CASE WHEN ${text}::bigint IS NULL THEN NULL END)::${type}`;
  return `${text}::${type}`;
}
