import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { toColumnValues } from '../plan/column-values';
import { checkExpression } from '../plan/check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  type CheckDefinition,
  type ColumnDefault,
  type ColumnDefinition,
  type CreateIndexStep,
  type CreateTableStep,
  type ForeignKeyAction,
  type ForeignKeyDefinition,
  type PlanStep,
} from '../plan/execution-plan';
import {
  checkDeclaredType,
  checkDefaultValue,
  checkIdentifier,
  identifierKey,
  nameForMessage,
} from '../plan/sql-text';
import type { ProgressCallback } from '../protocol/engine-api';
import { formatKey } from '../table/format-key';
import { describeValue, encodeValue, normalizeValue } from '../values/codec';
import { keyToken, keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';
import { kindOf } from '../values/column-kind';
import { checkCsvShape, inferTextColumn, inferTypes } from './infer-columns';

/** Where the rows of a new table come from. */
export type TableSource =
  | ColumnTable
  | { readonly csv: string; readonly delimiter?: string }
  | { readonly json: string | readonly object[] }
  | { readonly arrow: Uint8Array | ArrayBuffer };

/** How to create a table. */
export interface CreateTableOptions {
  /** Key column(s). Without one, rows are keyed by SQLite's rowid. */
  readonly primaryKey?: string | readonly string[];
  /** For a single INTEGER key: AUTOINCREMENT (assigned keys are never reused). */
  readonly autoIncrement?: boolean;
  /** Declared types by column; others are inferred from the values. */
  readonly types?: Readonly<Record<string, string>>;
  /** Columns declared NOT NULL (key columns always are). */
  readonly notNull?: readonly string[];
  /** DEFAULT values by column: a value, or `{ keyword: 'CURRENT_TIMESTAMP' }` and the like. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** UNIQUE constraints: a column, or several columns unique together (`[['a', 'b']]`). */
  readonly unique?: readonly (string | readonly string[])[];
  /**
   * Table-level CHECK constraints: SQL expressions written by you, the app's developer (never
   * text from users or data), such as `'qty >= 0'` or `"end_date >= start_date"`. Each must be one
   * expression: no `;`, comments, parameters or subqueries; SQLite checks the rest when the table
   * is created.
   */
  readonly checks?: readonly string[];
  /** Column-level CHECK constraints by column, written as `checks` are. */
  readonly columnChecks?: Readonly<Record<string, string>>;
  /** Foreign keys: the columns, the table and columns they reference, and what a change does. */
  readonly foreignKeys?: readonly ForeignKeyOption[];
  /** Indexes to create with the table. */
  readonly indexes?: readonly IndexOption[];
  /** Progress of writing the rows. */
  readonly onProgress?: ProgressCallback;
}

/** A foreign key of a new table (see {@link CreateTableOptions.foreignKeys}). */
export interface ForeignKeyOption {
  readonly columns: string | readonly string[];
  /** The table referenced, and its columns (default: its primary key). */
  readonly references: string;
  readonly to?: string | readonly string[];
  /** What deleting a referenced row does to the rows referencing it (default `'NO ACTION'`). */
  readonly onDelete?: ForeignKeyAction;
  /** What changing a referenced row's key does to them (default `'NO ACTION'`). */
  readonly onUpdate?: ForeignKeyAction;
}

/** An index of a new table (see {@link CreateTableOptions.indexes}). */
export interface IndexOption {
  readonly name: string;
  readonly columns: string | readonly string[];
  readonly unique?: boolean;
}

/** An Arquero table of a source, with types inferred from text where the source is text. */
export function sourceTable(source: TableSource): {
  table: ColumnTable;
  types: Record<string, string>;
} {
  if (typeof source !== 'object' || source === null) throw badSource(source);
  if ('csv' in source) return csvTable(source.csv, source.delimiter);
  if ('json' in source) return { table: jsonTable(source.json), types: {} };
  if ('arrow' in source) return { table: arrowTable(source.arrow), types: {} };
  if (!isColumnTable(source)) throw badSource(source);
  return { table: source, types: {} };
}

function badSource(source: unknown): PandalchemyError {
  return new PandalchemyError(
    'invalid_argument',
    `createTable() takes an Arquero table, { csv }, { json } or { arrow }; got ${describeValue(source)}. Pass one of those.`,
  );
}

function isColumnTable(value: object): value is ColumnTable {
  const t = value as Partial<ColumnTable>;
  return typeof t.columnNames === 'function' && typeof t.numRows === 'function';
}

function csvTable(
  csv: unknown,
  delimiter: string | undefined,
): { table: ColumnTable; types: Record<string, string> } {
  if (typeof csv !== 'string') {
    throw new PandalchemyError(
      'invalid_argument',
      `{ csv } takes the CSV text as a string; got ${describeValue(csv)}.`,
    );
  }
  checkCsvShape(csv, delimiter);
  const options = { autoType: false, ...(delimiter ? { delimiter } : {}) };
  const raw = aq.fromCSV(csv, options);
  // Arquero lists a name given twice twice but keeps one column of data under it: the other
  // column's values would be lost without a word.
  const names = raw.columnNames();
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) {
    throw new PandalchemyError(
      'name_taken',
      `The CSV header names column ${nameForMessage(twice ?? '')} more than once: give every column its own name.`,
      { column: twice ?? '' },
    );
  }
  const types: Record<string, string> = {};
  const data: Record<string, unknown[]> = {};
  for (const name of raw.columnNames()) {
    const col = inferTextColumn(raw.array(name));
    types[name] = col.type;
    data[name] = col.values;
  }
  return { table: aq.table(data), types };
}

function jsonTable(json: unknown): ColumnTable {
  const bad = (why: string, cause?: unknown): never => {
    throw new PandalchemyError(
      'invalid_argument',
      `{ json } takes an array of row objects or an object of column arrays: ${why}. Pass JSON text or a value of one of those shapes.`,
      {},
      cause,
    );
  };
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      bad(`the text does not parse (${e instanceof Error ? e.message : String(e)})`, e);
    }
  }
  if (Array.isArray(data)) {
    // Every row's names, not only the first row's: a name that only later rows have is a column.
    const names = new Set<string>();
    data.forEach((row: unknown, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        bad(`row ${i} is ${describeValue(row)}, not an object`);
      for (const n of Object.keys(row as object)) names.add(n);
    });
    return aq.fromJSON(data as never, { type: 'rows', columns: [...names] });
  }
  if (typeof data !== 'object' || data === null) return bad(`got ${describeValue(data)}`);
  const columns = Object.entries(data);
  for (const [n, values] of columns) {
    if (!Array.isArray(values)) bad(`column ${nameForMessage(n)} is not an array`);
    if ((values as unknown[]).length !== (columns[0]![1] as unknown[]).length)
      bad('the columns have different lengths');
  }
  return aq.fromJSON(data as never, { type: 'columns' });
}

function arrowTable(bytes: unknown): ColumnTable {
  try {
    return aq.fromArrow(bytes as Uint8Array);
  } catch (e) {
    throw new PandalchemyError(
      'invalid_argument',
      `{ arrow } takes Arrow IPC bytes (table.toArrowIPC()); these cannot be read (${(e instanceof Error ? e.message : String(e)).replace(/\.+$/, '')}). Pass the bytes of an Arrow IPC stream or file.`,
      {},
      e,
    );
  }
}

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
 */
export function createTableSteps(
  name: string,
  table: ColumnTable,
  options: CreateTableOptions,
  inferred: Readonly<Record<string, string>> = {},
): PlanStep[] {
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
    const d = options.defaults?.[n];
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
    columns.find((c) => c.name === pk[0])!.declaredType.toUpperCase() === 'INTEGER';
  if (options.autoIncrement && !autoKey) {
    throw new PandalchemyError(
      'invalid_argument',
      'AUTOINCREMENT needs a single INTEGER primary key: choose one INTEGER column as primaryKey, or leave autoIncrement out.',
      { table: name },
    );
  }
  const rows = table.numRows();
  // Leave out columns whose values are all missing and that have a default, so the default applies.
  const given = columns.filter(
    (c) => c.default === null || table.array(c.name).some((v) => v !== null && v !== undefined),
  );
  const encoded = given.map((c) => {
    const kind = kindOf(c.declaredType);
    const isKey = pk.includes(c.name);
    return Array.from(table.array(c.name) as ArrayLike<unknown>, (v) => {
      const cell = normalizeValue(kind, v, { table: name, column: c.name });
      if (cell === null && isKey && !autoKey) {
        throw new PandalchemyError(
          'null_key',
          `Key column '${c.name}' has a NULL value: give every row a key.`,
          {
            table: name,
            column: c.name,
          },
        );
      }
      return encodeValue(kind, cell);
    });
  });
  const keyValues = pk.map((k) => encoded[given.findIndex((c) => c.name === k)]);
  // A key column left out (all NULL, with a default) has no values to compare.
  if (keyValues.every((v) => v !== undefined)) checkUniqueKeys(name, keyValues);
  const values = encoded.map(toColumnValues);
  const constraints = constraintsOf(name, names, options);
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

/**
 * The constraints and indexes `options` declare, checked against the table's columns: every name
 * a column, every CHECK one expression, every action one of SQLite's.
 */
function constraintsOf(
  table: string,
  names: readonly string[],
  options: CreateTableOptions,
): {
  table: Pick<CreateTableStep, 'unique' | 'checks' | 'foreignKeys'>;
  indexes: CreateIndexStep[];
} {
  const context = { table };
  const columnsOf = (v: unknown, what: string): string[] => {
    const list =
      typeof v === 'string'
        ? [v]
        : Array.isArray(v) && v.length && v.every((c) => typeof c === 'string')
          ? [...(v as string[])]
          : null;
    if (!list) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} takes a column name or a non-empty array of names; got ${describeValue(v)}.`,
        context,
      );
    }
    for (const c of list) {
      if (!names.includes(c)) {
        throw new PandalchemyError(
          'unknown_column',
          `${what} names ${nameForMessage(c)}, which is not a column of the data (${names.join(', ')}): use one of its columns.`,
          { table, column: c },
        );
      }
    }
    if (new Set(list).size !== list.length) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} lists a column twice: list each once.`,
        context,
      );
    }
    return list;
  };
  const listOf = <T>(v: readonly T[] | undefined, what: string): readonly T[] => {
    if (v !== undefined && !Array.isArray(v)) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} is an array; got ${describeValue(v)}.`,
        context,
      );
    }
    return v ?? [];
  };
  const action = (v: unknown, what: string): ForeignKeyAction => {
    if (v === undefined) return 'NO ACTION';
    if (!(FOREIGN_KEY_ACTIONS as readonly unknown[]).includes(v)) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} is ${describeValue(v)}: use one of ${FOREIGN_KEY_ACTIONS.map((a) => `'${a}'`).join(', ')}.`,
        context,
      );
    }
    return v as ForeignKeyAction;
  };
  const unique = listOf(options.unique, 'unique').map((u) => columnsOf(u, 'A UNIQUE constraint'));
  const checks: CheckDefinition[] = listOf(options.checks, 'checks').map((expression) => ({
    column: null,
    expression: checkExpression(expression, context),
  }));
  for (const [column, expression] of Object.entries(options.columnChecks ?? {})) {
    columnsOf(column, 'columnChecks');
    checks.push({ column, expression: checkExpression(expression, { table, column }) });
  }
  const foreignKeys: ForeignKeyDefinition[] = listOf(options.foreignKeys, 'foreignKeys').map(
    (fk) => {
      if (typeof fk !== 'object' || fk === null) {
        throw new PandalchemyError(
          'invalid_argument',
          `A foreign key is { columns, references, to?, onDelete?, onUpdate? }; got ${describeValue(fk)}.`,
          context,
        );
      }
      const columns = columnsOf(fk.columns, 'A foreign key');
      const to = fk.to === undefined ? [] : typeof fk.to === 'string' ? [fk.to] : [...fk.to];
      to.forEach((c) => checkIdentifier(c, 'column'));
      if (to.length && to.length !== columns.length) {
        throw new PandalchemyError(
          'invalid_argument',
          `A foreign key over ${columns.length} column(s) references ${to.length}: give one referenced column per column.`,
          context,
        );
      }
      return {
        columns,
        references: checkIdentifier(fk.references, 'table'),
        to,
        onDelete: action(fk.onDelete, 'onDelete'),
        onUpdate: action(fk.onUpdate, 'onUpdate'),
      };
    },
  );
  const indexes = listOf(options.indexes, 'indexes').map((ix): CreateIndexStep => {
    if (typeof ix !== 'object' || ix === null) {
      throw new PandalchemyError(
        'invalid_argument',
        `An index is { name, columns, unique? }; got ${describeValue(ix)}.`,
        context,
      );
    }
    return {
      kind: 'createIndex',
      table,
      index: checkIdentifier(ix.name, 'index'),
      columns: columnsOf(ix.columns, `Index ${nameForMessage(String(ix.name))}`),
      unique: ix.unique === true,
    };
  });
  const seen = new Set<string>();
  for (const ix of indexes) {
    if (seen.has(identifierKey(ix.index))) {
      throw new PandalchemyError(
        'name_taken',
        `Two indexes are named ${nameForMessage(ix.index)}: give each its own name.`,
        context,
      );
    }
    seen.add(identifierKey(ix.index));
  }
  return {
    table: {
      ...(unique.length ? { unique } : {}),
      ...(checks.length ? { checks } : {}),
      ...(foreignKeys.length ? { foreignKeys } : {}),
    },
    indexes,
  };
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
function checkUniqueKeys(table: string, keyColumns: readonly SqlValue[][]): void {
  if (!keyColumns.length) return;
  const seen = new Set<unknown>();
  const rows = keyColumns[0]!.length;
  for (let r = 0; r < rows; r++) {
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
