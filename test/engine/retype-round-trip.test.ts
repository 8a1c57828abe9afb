import * as aq from 'arquero';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactValue, type SqlDatabase } from '../../src/engine/sqlite';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { trackedTable } from '../../src/table/tracked-table-from';
import { decodeValue, encodeValue, normalizeValue } from '../../src/values/codec';
import { kindOf, type ColumnKind } from '../../src/values/column-kind';
import { retypeValue } from '../../src/dialect/sqlite/retype-value';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import { valuesEqual } from '../../src/values/values-equal';
import { cellText } from '../support/dump';
import { loadSql } from '../support/memory-storage';

/**
 * Type changes against SQLite itself: a value of one declared type is copied into a column of
 * another, as the table rebuild copies it, and back again. The library must predict the value the
 * new column holds, call the change exact exactly when the copy back gives the value it started
 * from, and refuse it under `invalid: 'error'` unless it is exact and the new type holds it.
 */

const SQL = await loadSql();

const TYPES = [
  'INTEGER',
  'BIGINT',
  'REAL',
  'DOUBLE',
  'NUMERIC',
  'DECIMAL(10,2)',
  'TEXT',
  'VARCHAR(8)',
  'BLOB',
  '',
  'BOOLEAN',
  'DATE',
  'DATETIME',
];

/** Text that looks more or less like a number, a boolean or a date. */
const numberLike = fc
  .tuple(
    fc.constantFrom('', ' ', '+', '-', '0', '00', '  '),
    fc.oneof(
      fc.integer({ min: 0, max: 99999 }).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map(String),
      fc.constantFrom('1e3', '1E+3', '.5', '5.', '7.0', '0x10', '1_000', 'Inf', 'NaN', '1e400'),
    ),
    fc.constantFrom('', ' ', '0', '.0', 'e2', '\t'),
  )
  .map(([a, b, c]) => a + b + c);
const dateLike = fc.constantFrom(
  '2024-01-05',
  '2024-02-29',
  '2024-02-30',
  '2024-01-05 10:00:00',
  '2024-01-05T10:00:00.250',
  '2024-1-5',
  '20240105',
);
const text = fc.oneof(numberLike, dateLike, fc.string({ maxLength: 6 }));
const integer = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 2n ** 53n + 1n),
);
const real = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: false }),
  fc.constantFrom(0.1, 1 / 3, 3, 1e20, 2 ** 62, 1e-7, 123456.5),
);
const day = fc.integer({ min: -5000, max: 50000 }).map((d) => new Date(Date.UTC(1970, 0, 1 + d)));
const moment = fc.integer({ min: -1e12, max: 4e12 }).map((t) => new Date(t));
const raw: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 3, arbitrary: integer },
  { weight: 3, arbitrary: real },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: day },
  { weight: 1, arbitrary: moment },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3 }) },
);

/** A value of `kind` as the library holds it, or undefined when the kind cannot hold it. */
function valueOf(kind: ColumnKind, v: unknown): CellValue | undefined {
  try {
    return normalizeValue(kind, v);
  } catch {
    return undefined;
  }
}

/** The stored value of a one-row one-column table, exact, with its SQLite type. */
function storedOf(db: SqlDatabase, table: string): { value: SqlValue; type: string } {
  const stmt = db.prepare(`SELECT c, typeof(c) FROM ${table}`);
  try {
    stmt.step();
    const [value, type] = stmt.get(null, { useBigInt: true });
    return { value: exactValue(value ?? null), type: String(type) };
  } finally {
    stmt.free();
  }
}

/** What SQLite does: the value copied into a column of `to`, and back into one of `from`. */
function oracle(
  from: string,
  to: string,
  value: CellValue,
): { converted: SqlValue; back: SqlValue; start: SqlValue } {
  const db = new SQL.Database();
  try {
    db.run(`CREATE TABLE a (c ${from}); CREATE TABLE b (c ${to}); CREATE TABLE z (c ${from})`);
    db.run('INSERT INTO a (c) VALUES (?)', [encodeValue(kindOf(from), value)]);
    db.run('INSERT INTO b SELECT c FROM a; INSERT INTO z SELECT c FROM b');
    return {
      start: storedOf(db, 'a').value,
      converted: storedOf(db, 'b').value,
      back: storedOf(db, 'z').value,
    };
  } finally {
    db.close();
  }
}

/**
 * Whether a predicted converted value is SQLite's: the same value, or for a REAL made text, text
 * of the same number (SQLite computes the digits of a number that needs 17 with its own
 * approximate arithmetic, and its last digit may differ). Likewise for text of more than 19
 * significant digits made a number: SQLite reads it with approximate arithmetic too, and its
 * double may be one unit in the last place from the nearest one, which the library predicts
 * ('5220855942529955659780' made INTEGER: SQLite 5.220855942529955e21, nearest
 * 5.220855942529956e21; CI seed 470879552). A known difference, in the README's notes.
 */
function sameConversion(predicted: CellValue, sqlite: CellValue, source?: CellValue): boolean {
  if (cellText(predicted) === cellText(sqlite)) return true;
  if (
    typeof predicted === 'number' &&
    typeof sqlite === 'number' &&
    typeof source === 'string' &&
    source
      .replace(/[eE].*$/, '')
      .replace(/\D/g, '')
      .replace(/^0+/, '').length > 19
  )
    return Math.abs(predicted - sqlite) <= Math.abs(sqlite) * Number.EPSILON;
  return (
    typeof predicted === 'string' &&
    typeof sqlite === 'string' &&
    /^-?\d\.?\d*(e[+-]\d+)?$|^-?\d+\.\d+$/.test(sqlite) &&
    Number(predicted) === Number(sqlite)
  );
}

/** The library's equality: an integer is one value as a number or a BigInt, text is not a number. */
function same(a: CellValue, b: CellValue): boolean {
  const type = (v: CellValue): string => (typeof v === 'bigint' ? 'number' : typeof v);
  return valuesEqual(a, b) && type(a) === type(b);
}

/** Decimal text of a REAL as SQLite writes it: `-12.5`, `1.0e-07`. */
const REAL_TEXT = /^-?(\d+\.\d+|\d\.\d+e[+-]\d+)$/;

/**
 * Whether SQLite gives the value back, judged where the library's `claimed` call may stand:
 * SQLite writes some REALs with other last digits than the correctly rounded ones (its printer
 * is approximate). Text made a REAL and written back as other text of the same number lost
 * nothing (the library calls that exact when the text is the number's own form). Text of more
 * than 15 significant digits that SQLite happens to write back as it was, the library may call
 * not exact: it cannot tell.
 */
function exactBySqlite(
  sqlite: { converted: SqlValue; back: SqlValue; start: SqlValue },
  fromKind: ColumnKind,
  claimed: boolean,
): boolean {
  const { start, back, converted } = sqlite;
  const exact = same(decodeValue(fromKind, back), decodeValue(fromKind, start));
  if (typeof converted !== 'number' || typeof start !== 'string' || !REAL_TEXT.test(start))
    return exact;
  if (!exact && claimed && typeof back === 'string' && REAL_TEXT.test(back))
    return Number(start) === Number(back);
  if (exact && !claimed)
    return start.replace(/e.*$/, '').replace(/\D/g, '').replace(/^0+/, '').length <= 15;
  return exact;
}

const cases = fc
  .record({ from: fc.constantFrom(...TYPES), to: fc.constantFrom(...TYPES), v: raw })
  .map(({ from, to, v }) => ({ from, to, value: valueOf(kindOf(from), v) }))
  .filter(
    (c): c is { from: string; to: string; value: CellValue } =>
      c.value !== undefined &&
      c.value !== null &&
      c.from !== c.to &&
      // sql.js binds a BigInt as text, which a column of no declared type keeps as text: a
      // known defect of its own (the value reads back as a string), not of type changes.
      !(c.from === '' && typeof c.value === 'bigint'),
  );

describe('type changes against SQLite', () => {
  it('predict the converted value, and call a change exact exactly when the value converts back', () => {
    fc.assert(
      fc.property(cases, ({ from, to, value }) => {
        const fromKind = kindOf(from);
        const sqlite = oracle(from, to, value);
        const predicted = retypeValue(value, fromKind, to);
        const converted = decodeValue(kindOf(to), sqlite.converted);
        expect(sameConversion(predicted.value, converted, value), 'converted value').toBe(true);
        expect(
          predicted.exact,
          `exact (${cellText(sqlite.start)} -> ${cellText(sqlite.back)})`,
        ).toBe(exactBySqlite(sqlite, fromKind, predicted.exact));
      }),
      { numRuns: 1500 },
    );
  });

  it("refuse under invalid: 'error' exactly the values that change or that the new type cannot hold", () => {
    fc.assert(
      fc.property(cases, ({ from, to, value }) => {
        const fromKind = kindOf(from);
        const toKind = kindOf(to);
        const sqlite = oracle(from, to, value);
        const converted = decodeValue(toKind, sqlite.converted);
        const claimed = retypeValue(value, fromKind, to).exact;
        const valid =
          exactBySqlite(sqlite, fromKind, claimed) && valueOf(toKind, converted) !== undefined;
        const t = trackedTable(aq.table({ id: [1], c: [value] }), {
          name: 't',
          key: 'id',
          types: { id: 'INTEGER', c: from },
        });
        let code = 'none';
        try {
          t.retypeColumn('c', to);
        } catch (e) {
          if (!(e instanceof PandalchemyError)) throw e;
          code = e.code;
        }
        expect(code).toBe(valid ? 'none' : 'invalid_value');
        if (valid) expect(sameConversion(t.get(1, 'c') ?? null, converted, value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
