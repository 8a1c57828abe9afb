import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { toColumnValues } from '../plan/column-values';
import {
  PRIORITY,
  type ColumnDefault,
  type ColumnDefinition,
  type PlanStep,
} from '../plan/execution-plan';
import { checkDeclaredType, checkIdentifier } from '../plan/sql-text';
import type { ProgressCallback } from '../protocol/engine-api';
import { encodeValue, normalizeValue } from '../values/codec';
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
  /** Progress of writing the rows. */
  readonly onProgress?: ProgressCallback;
}

/** An Arquero table of a source, with types inferred from text where the source is text. */
export function sourceTable(source: TableSource): {
  table: ColumnTable;
  types: Record<string, string>;
} {
  if ('csv' in source) {
    checkCsvShape(source.csv, source.delimiter);
    const raw = aq.fromCSV(source.csv, {
      autoType: false,
      ...(source.delimiter ? { delimiter: source.delimiter } : {}),
    });
    const types: Record<string, string> = {};
    const data: Record<string, unknown[]> = {};
    for (const name of raw.columnNames()) {
      const col = inferTextColumn(raw.array(name));
      types[name] = col.type;
      data[name] = col.values;
    }
    return { table: aq.table(data), types };
  }
  if ('json' in source) return { table: aq.fromJSON(source.json as string), types: {} };
  if ('arrow' in source) return { table: aq.fromArrow(source.arrow), types: {} };
  return { table: source, types: {} };
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
  const names = table.columnNames();
  for (const n of names) checkIdentifier(n, 'column');
  const pk =
    typeof options.primaryKey === 'string' ? [options.primaryKey] : [...(options.primaryKey ?? [])];
  for (const k of pk) {
    if (!names.includes(k)) {
      throw new PandalchemyError(
        'unknown_column',
        `Key column '${k}' is not a column of the data (${names.join(', ')}).`,
        {
          table: name,
          column: k,
        },
      );
    }
  }
  const types = inferTypes(table, { ...inferred, ...options.types });
  const notNull = new Set([...pk, ...(options.notNull ?? [])]);
  const columns: ColumnDefinition[] = names.map((n) => {
    const declaredType = checkDeclaredType(types[n]!);
    const kind = kindOf(declaredType);
    const d = options.defaults?.[n];
    let def: ColumnDefault | null = null;
    if (isKeywordDefault(d)) def = { keyword: d.keyword };
    else if (d !== undefined && d !== null)
      def = { value: encodeValue(kind, normalizeValue(kind, d, { table: name, column: n })) };
    return { name: n, declaredType, notNull: notNull.has(n), default: def };
  });
  const autoKey =
    pk.length === 1 &&
    columns.find((c) => c.name === pk[0])!.declaredType.toUpperCase() === 'INTEGER';
  if (options.autoIncrement && !autoKey) {
    throw new PandalchemyError(
      'invalid_argument',
      'AUTOINCREMENT needs a single INTEGER primary key.',
      { table: name },
    );
  }
  const rows = table.numRows();
  // Leave out columns whose values are all missing and that have a default, so the default applies.
  const given = columns.filter(
    (c) => c.default === null || table.array(c.name).some((v) => v !== null && v !== undefined),
  );
  const values = given.map((c) => {
    const kind = kindOf(c.declaredType);
    const isKey = pk.includes(c.name);
    return toColumnValues(
      Array.from(table.array(c.name) as ArrayLike<unknown>, (v) => {
        const cell = normalizeValue(kind, v, { table: name, column: c.name });
        if (cell === null && isKey && !autoKey) {
          throw new PandalchemyError('null_key', `Key column '${c.name}' has a NULL value.`, {
            table: name,
            column: c.name,
          });
        }
        return encodeValue(kind, cell);
      }),
    );
  });
  const steps: PlanStep[] = [
    {
      kind: 'createTable',
      table: name,
      priority: PRIORITY.createTable,
      columns,
      primaryKey: pk,
      autoIncrement: options.autoIncrement === true,
    },
  ];
  if (rows > 0) {
    steps.push({
      kind: 'insert',
      table: name,
      priority: PRIORITY.insert,
      key: pk,
      columns: given.map((c) => c.name),
      values,
      count: rows,
    });
  }
  return steps;
}
