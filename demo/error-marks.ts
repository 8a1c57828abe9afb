import { ForeignKeyError, isPandalchemyError } from '../src/index';
import { formatKey } from './messages';

/**
 * Cells a refused push names, marked in the grid until they are edited or a push succeeds:
 * table → key (as `formatKey` writes it) → columns. An empty set marks every cell of the row
 * (the refusal names the row but no column).
 */
export type ErrorMarks = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

export const NO_ERROR_MARKS: ErrorMarks = new Map();

/**
 * The cells an error names: a foreign key's referencing columns; the column a NOT NULL or UNIQUE
 * failure names (`orders.status`); the table's columns a CHECK's expression mentions.
 *
 * @example
 * ```ts
 * errorMarks(checkFailed, () => ['warehouse', 'sku', 'qty']); // stock ('BER-1', '000210') → {qty}
 * ```
 */
export function errorMarks(
  error: unknown,
  columnsOf: (table: string) => readonly string[],
): ErrorMarks {
  const out = new Map<string, Map<string, Set<string>>>();
  const mark = (table: string, key: readonly unknown[], columns: readonly string[]) => {
    const rows = out.get(table) ?? new Map<string, Set<string>>();
    out.set(table, rows);
    const id = formatKey(key);
    rows.set(id, new Set([...(rows.get(id) ?? []), ...columns]));
  };
  if (error instanceof ForeignKeyError) {
    for (const v of error.violations) mark(v.table, v.key, v.columns);
    return out;
  }
  if (!isPandalchemyError(error) || error.table === undefined || error.key === undefined)
    return out;
  const table = error.table;
  const columns = columnsOf(table);
  const named =
    error.column !== undefined
      ? [error.column]
      : columnsNamed(error.sqliteMessage ?? error.message, table, columns);
  mark(table, error.key, named);
  return out;
}

/** Columns of `table` that an SQLite message names: `orders.status`, or words of a CHECK. */
function columnsNamed(message: string, table: string, columns: readonly string[]): string[] {
  const qualified = columns.filter((c) => message.includes(`${table}.${c}`));
  if (qualified.length) return qualified;
  const check = /CHECK constraint failed: (.*)$/.exec(message)?.[1];
  if (!check) return [];
  const words = new Set(check.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return columns.filter((c) => words.has(c));
}

/** Whether a cell is marked. */
export function isMarked(
  marks: ErrorMarks,
  table: string,
  key: readonly unknown[],
  column: string,
): boolean {
  const columns = marks.get(table)?.get(formatKey(key));
  return columns !== undefined && (columns.size === 0 || columns.has(column));
}

/** The marks without one cell's (it was edited). */
export function unmark(
  marks: ErrorMarks,
  table: string,
  key: readonly unknown[],
  column: string,
): ErrorMarks {
  const rows = marks.get(table);
  const id = formatKey(key);
  const columns = rows?.get(id);
  if (!rows || !columns) return marks;
  const next = new Map(marks);
  const nextRows = new Map(rows);
  const left = new Set(columns);
  left.delete(column);
  if (columns.size === 0 || left.size === 0) nextRows.delete(id);
  else nextRows.set(id, left);
  if (nextRows.size) next.set(table, nextRows);
  else next.delete(table);
  return next;
}
