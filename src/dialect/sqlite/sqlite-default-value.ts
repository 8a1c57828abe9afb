import { decodeValue, normalizeValue } from '../../values/codec';
import type { ColumnKind } from '../../values/column-kind';
import type { CellValue, SqlValue } from '../../values/sql-value';

const NUMBER = /^\(?\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*\)?$/;
const STRING = /^\(?\s*'((?:[^']|'')*)'\s*\)?$/;

/**
 * The value a DEFAULT clause gives, when it is a constant (number, string, NULL, TRUE/FALSE);
 * null for expressions such as CURRENT_TIMESTAMP, whose value only the database knows.
 *
 * @example
 * ```ts
 * defaultValueOf("'guest'", 'text') // 'guest'
 * defaultValueOf('CURRENT_TIMESTAMP', 'datetime') // null
 * ```
 */
export function defaultValueOf(defaultSql: string | null, kind: ColumnKind): CellValue {
  if (defaultSql === null) return null;
  const sql = defaultSql.trim();
  let raw: SqlValue | undefined;
  const num = NUMBER.exec(sql);
  const str = STRING.exec(sql);
  if (num)
    raw =
      Number.isInteger(Number(num[1])) && /^[+-]?\d+$/.test(num[1]!)
        ? BigInt(num[1]!)
        : Number(num[1]);
  else if (str) raw = str[1]!.replaceAll("''", "'");
  else if (/^TRUE$/i.test(sql)) raw = 1;
  else if (/^FALSE$/i.test(sql)) raw = 0;
  if (raw === undefined) return null;
  try {
    return normalizeValue(kind, decodeValue(kind, raw));
  } catch {
    return null;
  }
}

/**
 * Whether a DEFAULT clause is a constant (or absent: NULL), so that a row left to it holds a value
 * known before the database stores it. False for expressions such as CURRENT_TIMESTAMP.
 */
export function isConstantDefault(defaultSql: string | null, kind: ColumnKind): boolean {
  if (defaultSql === null || /^\(?\s*NULL\s*\)?$/i.test(defaultSql.trim())) return true;
  return defaultValueOf(defaultSql, kind) !== null;
}
