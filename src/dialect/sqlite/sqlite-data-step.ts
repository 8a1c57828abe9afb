import type { ColumnValues, DataStep, Guard, UpdateStep } from '../../plan/execution-plan';
import { quoteIdentifier as q } from '../quote-identifier';
import type { TableInfo } from '../../schema/table-info';
import type { SqlValue } from '../../values/sql-value';
import type { CompiledStatement } from '../dialect';
import { affinityOf } from './affinity';
import { isRowidColumn, isRowidKeyed, keyColumnSql, rowidName } from './sqlite-rowid';
import { staleValuesCheck } from './stale-values-check';

/** How the SQLite dialect is to build a data step's statement. */
export interface SqliteDataStepOptions {
  /**
   * A guard to check inside the statement (`AND +"qty" IS ? COLLATE BINARY`): each run then
   * expects one row. Null: none (checked before by reading, or the push overwrites).
   */
  readonly guard: Guard | null;
  /**
   * Whether the engine must learn each row the statement writes: then it returns the row's
   * rowid (`RETURNING rowid`, an update's or delete's key columns after it) where the parameters
   * do not tell it (see {@link returnsRowid}).
   * Default true, as the engine runs it.
   */
  readonly report?: boolean;
  /**
   * The keys the rows are addressed by, when not the step's own (a key move through temporary
   * keys: the rows hold those by then).
   */
  readonly keys?: readonly ColumnValues[];
}

/**
 * A data step's statement for SQLite. `parameters(i)` fills and returns one array it reuses for
 * every row (sql.js copies the values in as it binds them): bind it before asking for the next.
 * `step` is the step the statement runs (the plan's own, or the move of its rows to temporary
 * keys, see {@link throughTemporaryKeys}), and `keys` the keys it addresses the rows by: an
 * update's parameters are `step`'s set values, then `keys`, then a guard's expected values.
 */
export interface SqliteStatement extends CompiledStatement<SqlValue> {
  readonly step: DataStep;
  readonly keys: readonly ColumnValues[];
  /**
   * Per parameter, the column its values are taken from (one per row), where a BigInt bound as
   * sql.js binds it (its decimal text) would not act as the integer (see {@link exactSources});
   * null where it does. Where none holds a BigInt, the engine binds every row to the statement
   * as it is; elsewhere such parameters take it exactly (see `ExactStatement`).
   */
  readonly sources: readonly (ArrayLike<unknown> | null)[];
}

/** `+"c" IS ? COLLATE BINARY` for each guarded column, joined with AND (see `inlineGuardSteps`). */
export function guardPredicateSql(info: TableInfo, guard: Guard): string {
  return guard.columns
    .map((c) => `+${isRowidColumn(info, c) ? c : q(c)} IS ? COLLATE BINARY`)
    .join(' AND ');
}

export function keyPredicateSql(info: TableInfo, key: readonly string[]): string {
  return key.map((k) => `${keyColumnSql(info, k)} = ?`).join(' AND ');
}

/** Whether a value is a rowid as it is (an integer), so an insert need not ask for it back. */
export function isRowid(v: SqlValue | undefined): boolean {
  return (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint';
}

/**
 * Whether a data step's statement returns the rowid of each row it writes (`RETURNING rowid`),
 * decided by the table and the step alone. A delete or update of a table whose rowid is not its
 * key: the rowid the key named; of a rowid-keyed table, where some key is not the rowid as it is
 * (`'7'` and 2^60 as a number name rowids 7 and 2n ** 60n) and the step moves no key. An insert
 * into a rowid table: unless every row gives its rowid as an integer key of a rowid-keyed table.
 * WITHOUT ROWID tables: never.
 */
export function returnsRowid(step: DataStep, info: TableInfo): boolean {
  if (info.withoutRowid) return false;
  const rowidKeyed = isRowidKeyed(info);
  if (!rowidKeyed) return true;
  if (step.kind === 'update' && step.set.some((c) => step.key.includes(c))) return false;
  const given =
    step.kind === 'insert'
      ? step.columns.includes(info.key.columns[0]!)
        ? step.values[step.columns.indexOf(info.key.columns[0]!)]!
        : null
      : (step.keys[0] ?? null);
  if (given === null) return true;
  if (given instanceof Float64Array) {
    for (let i = 0; i < step.count; i++) if (!Number.isSafeInteger(given[i])) return true;
    return false;
  }
  for (let i = 0; i < step.count; i++) if (!isRowid(given[i])) return true;
  return false;
}

/**
 * `columns`, each written to or compared with the column of `names` at its place, or null where a
 * BigInt bound as its decimal text acts as the integer: a column of INTEGER, NUMERIC or REAL
 * affinity (the rowid too) turns that text into the number, one of TEXT affinity turns the
 * integer into that text, on writes and in `=` alike. A column of BLOB affinity (untyped) keeps
 * and compares what it is given, and one the table does not have may be one: those keep theirs.
 */
export function exactSources(
  info: TableInfo,
  names: readonly string[],
  columns: readonly ArrayLike<unknown>[],
): (ArrayLike<unknown> | null)[] {
  return columns.map((col, j) => {
    const name = names[j]!;
    if (isRowidColumn(info, name)) return null;
    const column = info.columns.find((c) => c.name === name);
    return column && affinityOf(column.declaredType) !== 'BLOB' ? null : col;
  });
}

/** Fills `out` from `columns`' row `i`, from position `at`. */
function fill(out: SqlValue[], at: number, columns: readonly ColumnValues[], i: number): void {
  for (let c = 0; c < columns.length; c++) out[at + c] = (columns[c]![i] ?? null) as SqlValue;
}

/**
 * The one statement of a data step as the SQLite engine runs it, prepared once and run for each
 * row: the key addressed by its rowid keyword where it is the exposed rowid, the guard inline when
 * given, and `RETURNING rowid` where the engine needs to learn the row (see {@link returnsRowid}).
 * Parameters: an update's set values, then the keys, then the guard's expected values; a delete's
 * keys, then the expected values; an insert's values. A value written under another type than its
 * column's that the column cannot hold is refused as its row is bound (`staleValuesCheck`).
 *
 * @example
 * ```ts
 * sqliteDataStep(update, info, { guard: null }).sql;
 * // 'UPDATE "users" SET "age" = ? WHERE "id" = ?'
 * ```
 */
export function sqliteDataStep(
  step: DataStep,
  info: TableInfo,
  options: SqliteDataStepOptions,
): SqliteStatement {
  const t = q(step.table);
  // An update or delete returns its row's key too, as stored (the plan's key may only compare
  // equal to it: 7 to '7' under TEXT affinity): the engine reports the row by it, unread.
  const returning =
    options.report !== false && returnsRowid(step, info)
      ? [rowidName(info), ...(step.kind !== 'insert' ? info.key.columns.map(q) : [])]
      : [];
  const returningSql = returning.length ? ` RETURNING ${returning.join(', ')}` : '';
  if (step.kind === 'insert') {
    const out = new Array<SqlValue>(step.values.length);
    const check = staleValuesCheck(step, info);
    return {
      sql:
        (step.columns.length
          ? `INSERT INTO ${t} (${step.columns.map((c) => keyColumnSql(info, c)).join(', ')}) VALUES (${step.columns.map(() => '?').join(', ')})`
          : `INSERT INTO ${t} DEFAULT VALUES`) + returningSql,
      rows: step.count,
      parameters(i) {
        check?.(i);
        fill(out, 0, step.values, i);
        return out;
      },
      expect: 'any',
      returning,
      step,
      keys: [],
      sources: exactSources(info, step.columns, step.values),
    };
  }
  const guard = options.guard;
  const inline = guard !== null && guard.columns.length > 0;
  const where =
    keyPredicateSql(info, step.key) + (inline ? ` AND ${guardPredicateSql(info, guard)}` : '');
  const expected = inline ? (guard.expected as readonly ColumnValues[]) : [];
  const keys = options.keys ?? step.keys;
  const expect = guard ? 'one' : 'any';
  if (step.kind === 'delete') {
    const out = new Array<SqlValue>(keys.length + expected.length);
    return {
      sql: `DELETE FROM ${t} WHERE ${where}${returningSql}`,
      rows: step.count,
      parameters(i) {
        fill(out, 0, keys, i);
        fill(out, keys.length, expected, i);
        return out;
      },
      expect,
      returning,
      step,
      keys,
      // A guard compares without affinity (`+"c" IS ?`): its values keep their columns.
      sources: [...exactSources(info, step.key, keys), ...expected],
    };
  }
  const set = step.set.map((c) => `${keyColumnSql(info, c)} = ?`).join(', ');
  const s = step.values.length;
  const out = new Array<SqlValue>(s + keys.length + expected.length);
  const check = staleValuesCheck(step, info);
  return {
    sql: `UPDATE ${t} SET ${set} WHERE ${where}${returningSql}`,
    rows: step.count,
    parameters(i) {
      check?.(i);
      fill(out, 0, step.values, i);
      fill(out, s, keys, i);
      fill(out, s + keys.length, expected, i);
      return out;
    },
    expect,
    returning,
    step,
    keys,
    sources: [
      ...exactSources(info, step.set, step.values),
      ...exactSources(info, step.key, keys),
      ...expected,
    ],
  };
}

/**
 * The key column a move through temporary keys goes through: the first the step sets, so that
 * the step's own update sets it again (from its temporary to its new value).
 */
export function temporaryKeyColumn(step: UpdateStep): number {
  return step.key.findIndex((k) => step.set.includes(k));
}

/**
 * The update that first moves a step's rows to temporary keys (`temporaries`, one per row, in
 * the column {@link temporaryKeyColumn} names), when new keys are other moved rows' old keys (see
 * `keyMovesOf`): it sets one key column the step sets, which the step itself then sets again.
 * Returns that step and the keys the rows hold after it.
 *
 * @example
 * ```ts
 * const { step: first, keys } = throughTemporaryKeys(swap, temporaries);
 * ```
 */
export function throughTemporaryKeys(
  step: UpdateStep,
  temporaries: ColumnValues,
): { readonly step: UpdateStep; readonly keys: ColumnValues[] } {
  const through = temporaryKeyColumn(step);
  return {
    step: {
      ...step,
      set: [step.key[through]!],
      types: [step.keyTypes[through]!],
      values: [temporaries],
    },
    keys: step.keys.map((k, i) => (i === through ? temporaries : k)),
  };
}
