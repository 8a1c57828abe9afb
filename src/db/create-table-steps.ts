import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type {
  ColumnDefault,
  ColumnDefinition,
  ColumnValues,
  PlanStep,
} from '../plan/execution-plan';
import {
  checkDeclaredType,
  checkDefaultValue,
  checkIdentifier,
  identifierKey,
} from '../dialect/sqlite/sqlite-text';
import { nameForMessage } from '../errors/name-for-message';
import { formatKey } from '../table/format-key';
import { describeValue, encodeValue, normalizeValue } from '../values/codec';
import { keyToken, keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';
import { kindOf } from '../values/column-kind';
import type { CreateTableOptions } from './create-table-options';
import { inferTypes } from './infer-columns';
import { runAtOnce, type SlicedWork } from '../schedule/run-in-slices';
import { tableConstraints } from './table-constraints';
import { asciiTrim, asciiUpper } from '../values/ascii-case';
import { ownField } from '../values/own-field';

function isKeywordDefault(
  v: unknown,
): v is { keyword: 'CURRENT_TIMESTAMP' | 'CURRENT_DATE' | 'CURRENT_TIME' } {
  return (
    typeof v === 'object' &&
    v !== null &&
    ['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME'].includes(
      (v as { keyword?: string }).keyword ?? '',
    )
  );
}

/**
 * The plan steps that create table `name` holding the rows of `table`: CREATE TABLE with the
 * declared (or inferred) types, key and defaults, then one batched insert.
 *
 * @example
 * ```ts
 * const { table, types } = sourceTable({ csv: 'id,name\n1,Ada' });
 * createTableSteps('people', table, { primaryKey: 'id' }, types); // [createTable, insert]
 * ```
 */
export function createTableSteps(
  name: string,
  table: ColumnTable,
  options: CreateTableOptions,
  inferred: Readonly<Record<string, string>> = {},
): PlanStep[] {
  return runAtOnce(createTableWork(name, table, options, inferred));
}

/** Rows checked and encoded between two chances to pause. */
const ROWS_PER_STEP = 2048;

/**
 * {@link createTableSteps} as work that pauses every few thousand rows (see `runInSlices`): checking
 * and encoding a million rows takes seconds, which in one task would freeze the page.
 */
export function* createTableWork(
  name: string,
  table: ColumnTable,
  options: CreateTableOptions,
  inferred: Readonly<Record<string, string>> = {},
): SlicedWork<PlanStep[]> {
  checkIdentifier(name, 'table');
  if (typeof options !== 'object' || options === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `createTable() options are an object such as { primaryKey: 'id' }; got ${describeValue(options)}.`,
      { table: name },
    );
  }
  const names = table.columnNames();
  if (!names.length) {
    throw new PandalchemyError(
      'invalid_argument',
      `Table '${name}' would have no column: SQLite tables need at least one. Give data with columns.`,
      { table: name },
    );
  }
  const seen = new Map<string, string>();
  for (const n of names) {
    checkIdentifier(n, 'column');
    const other = seen.get(identifierKey(n));
    if (other !== undefined) {
      throw new PandalchemyError(
        'name_taken',
        `Columns ${nameForMessage(other)} and ${nameForMessage(n)} are one name to SQLite (it ignores ASCII case): rename one of them.`,
        { table: name, column: n },
      );
    }
    seen.set(identifierKey(n), n);
  }
  const pk = keyColumnsOf(name, options.primaryKey);
  const requireColumn = (k: string, what: string): void => {
    if (!names.includes(k)) {
      throw new PandalchemyError(
        'unknown_column',
        `${what} ${nameForMessage(k)} is not a column of the data (${names.join(', ')}): use one of its columns.`,
        {
          table: name,
          column: String(k),
        },
      );
    }
  };
  for (const k of pk) requireColumn(k, 'Key column');
  for (const k of Object.keys(options.types ?? {})) requireColumn(k, 'The type of column');
  for (const k of Object.keys(options.defaults ?? {})) requireColumn(k, 'The default of column');
  for (const k of options.notNull ?? []) requireColumn(k, 'NOT NULL column');
  const types = inferTypes(table, { ...inferred, ...options.types });
  const notNull = new Set([...pk, ...(options.notNull ?? [])]);
  const columns: ColumnDefinition[] = names.map((n) => {
    const declaredType = checkDeclaredType(types[n]!);
    const kind = kindOf(declaredType);
    // Own properties only: a column named `constructor` has no default inherited from Object.
    const d = options.defaults && ownField(options.defaults, n);
    let def: ColumnDefault | null = null;
    if (isKeywordDefault(d)) def = { keyword: d.keyword };
    else if (d !== undefined && d !== null) {
      const context = { table: name, column: n };
      def = {
        value: checkDefaultValue(encodeValue(kind, normalizeValue(kind, d, context)), context),
      };
    }
    return { name: n, declaredType, notNull: notNull.has(n), default: def };
  });
  const autoKey =
    pk.length === 1 &&
    asciiUpper(asciiTrim(columns.find((c) => c.name === pk[0])!.declaredType)) === 'INTEGER';
  if (options.autoIncrement && !autoKey) {
    throw new PandalchemyError(
      'invalid_argument',
      'AUTOINCREMENT needs a single INTEGER primary key: choose one INTEGER column as primaryKey, or leave autoIncrement out.',
      { table: name },
    );
  }
  const rows = table.numRows();
  // Leave out columns whose values are all missing and that have a default, so the default applies.
  const given = columns.filter((c) => {
    if (c.default === null) return true;
    const at = cellReader(table, c.name);
    for (let i = 0; i < rows; i++) if (at(i) !== null && at(i) !== undefined) return true;
    return false;
  });
  // Progress counts cells: every given column's, then the key's once more for the uniqueness check.
  const total = rows * (given.length + (pk.length ? 1 : 0));
  // Each column is read in place (a copy of it first, `table.array()`, was a one-shot loop over
  // every row) and encoded straight into a Float64Array while its values are numbers: no second
  // pass at the end, which held the page for 100-230 ms per million rows.
  const values: ColumnValues[] = [];
  for (const c of given) {
    const kind = kindOf(c.declaredType);
    const isKey = pk.includes(c.name);
    const source = cellReader(table, c.name);
    const context = { table: name, column: c.name };
    let numbers: Float64Array | null = new Float64Array(rows);
    // Filled by push: `new Array(n)` of a large n is a dictionary-mode array, several times slower
    // to clone to the worker than a packed one.
    const out: SqlValue[] = [];
    for (let from = 0; from < rows; from += ROWS_PER_STEP) {
      const to = Math.min(rows, from + ROWS_PER_STEP);
      for (let i = from; i < to; i++) {
        const cell = normalizeValue(kind, source(i), context);
        if (cell === null && isKey && !autoKey) {
          throw new PandalchemyError(
            'null_key',
            `Key column '${c.name}' has a NULL value: give every row a key.`,
            context,
          );
        }
        const v = encodeValue(kind, cell);
        if (numbers && typeof v === 'number') numbers[i] = v;
        else {
          if (numbers) {
            for (let j = 0; j < i; j++) out.push(numbers[j]!);
            numbers = null;
          }
          out.push(v);
        }
      }
      yield { done: values.length * rows + to, total };
    }
    values.push(numbers ?? out);
  }
  const keyValues = pk.map((k) => values[given.findIndex((c) => c.name === k)]);
  // A key column left out (all NULL, with a default) has no values to compare.
  if (keyValues.every((v) => v !== undefined)) {
    yield* checkUniqueKeys(name, keyValues as ColumnValues[], values.length * rows, total);
  }
  const constraints = tableConstraints(name, names, options);
  const steps: PlanStep[] = [
    {
      kind: 'createTable',
      table: name,
      columns,
      primaryKey: pk,
      autoIncrement: options.autoIncrement === true,
      ...constraints.table,
    },
    // Indexes before the rows, in the order of the plan's steps (see STEP_ORDER).
    ...constraints.indexes,
  ];
  if (rows > 0) {
    steps.push({
      kind: 'insert',
      table: name,
      key: pk,
      keyTypes: pk.map((k) => columns.find((c) => c.name === k)!.declaredType),
      columns: given.map((c) => c.name),
      types: given.map((c) => c.declaredType),
      values,
      count: rows,
    });
  }
  return steps;
}

function keyColumnsOf(table: string, primaryKey: unknown): string[] {
  const list =
    primaryKey === undefined
      ? []
      : typeof primaryKey === 'string'
        ? [primaryKey]
        : Array.isArray(primaryKey) && primaryKey.every((k) => typeof k === 'string')
          ? [...(primaryKey as string[])]
          : null;
  if (list === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `primaryKey is a column name or an array of names; got ${describeValue(primaryKey)}.`,
      { table },
    );
  }
  const twice = list.find((k, i) => list.indexOf(k) !== i);
  if (twice !== undefined) {
    throw new PandalchemyError(
      'invalid_argument',
      `primaryKey lists column ${nameForMessage(twice)} twice: list each key column once.`,
      { table, column: twice },
    );
  }
  return list;
}

/** Refuses source rows that share a key (rows without a key get one from the database). */
/**
 * Reads column `name` of `table` by row position, in place: through the table's row order and
 * filter when it has them.
 */
function cellReader(table: ColumnTable, name: string): (row: number) => unknown {
  const column = table.column(name)!;
  if (!table.isFiltered() && !table.isOrdered()) return (row) => column.at(row);
  const rows = table.indices();
  return (row) => column.at(rows[row]!);
}

function* checkUniqueKeys(
  table: string,
  keyColumns: readonly ColumnValues[],
  before: number,
  total: number,
): SlicedWork<void> {
  if (!keyColumns.length) return;
  const rows = keyColumns[0]!.length;
  const only = keyColumns.length === 1 ? keyColumns[0]! : null;
  if (only instanceof Float64Array) {
    // Numeric keys in ascending order (1, 2, 3...: the usual case) are unique without a set of a
    // million keys, whose growth alone held the page for one long task.
    let r = 1;
    for (; r < rows && only[r]! > only[r - 1]!; r++) {
      if (r % ROWS_PER_STEP === 0) yield { done: before + r, total };
    }
    if (r >= rows) return;
  }
  const seen = new Set<unknown>();
  for (let r = 0; r < rows; r++) {
    if (r % ROWS_PER_STEP === 0 && r > 0) yield { done: before + r, total };
    const key = keyColumns.map((c) => c[r]!);
    if (key.some((v) => v === null)) continue;
    const token = key.length === 1 ? keyToken(key[0]) : keyTokens(key);
    if (seen.has(token)) {
      throw new PandalchemyError(
        'duplicate_key',
        `Two rows of the data have key ${formatKey(key)}: a key identifies one row. Fix the data.`,
        { table, key },
      );
    }
    seen.add(token);
  }
}
