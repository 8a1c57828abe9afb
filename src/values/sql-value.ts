/** A value as SQLite stores it and sql.js binds or returns it. */
export type SqlValue = number | bigint | string | Uint8Array | null;

/**
 * A value as a tracked table holds it: the stored value decoded by the column's kind
 * (booleans for BOOLEAN columns, `Date` for DATE/DATETIME columns).
 */
export type CellValue = SqlValue | boolean | Date;

/** A row as an object of column name to value. */
export type RowObject = Record<string, CellValue | undefined>;

/** Largest and smallest 64-bit signed integers, the range of SQLite's INTEGER. */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;
