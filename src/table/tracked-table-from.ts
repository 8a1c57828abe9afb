import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { checkDeclaredType, checkIdentifier } from '../dialect/sqlite/sqlite-text';
import { freezeTableInfo } from '../schema/freeze-table-info';
import { rowidNameOf } from '../schema/rowid-name';
import type { ColumnInfo, TableInfo } from '../schema/table-info';
import { normalizeValue } from '../values/codec';
import { kindOf } from '../values/column-kind';
import { inferDeclaredType } from '../values/infer-type';
import type { CellValue } from '../values/sql-value';
import { TrackedTable } from './tracked-table';
import { asciiTrim, asciiUpper } from '../values/ascii-case';

/** How to track an Arquero table that does not come from a database. */
export interface TrackedTableOptions {
  readonly name: string;
  /** Key column or columns; without them rows are keyed by a generated rowid column. */
  readonly key?: string | readonly string[];
  /** Declared types by column; others are inferred from the values. */
  readonly types?: Readonly<Record<string, string>>;
}

/**
 * Tracks edits of an Arquero table without a database: useful to compute changes or a plan, and
 * in tests. The table's values are checked against the column types.
 *
 * @example
 * ```ts
 * const t = trackedTable(aq.table({ id: [1, 2], name: ['a', 'b'] }), { name: 'users', key: ['id'] });
 * t.set(1, 'name', 'z');
 * t.changes().updates; // [{ type: 'update', key: [1], columns: ['name'], ... }]
 * ```
 */
export function trackedTable(source: ColumnTable, options: TrackedTableOptions): TrackedTable {
  const name = checkIdentifier(options.name, 'table');
  const names = source.columnNames();
  const key = typeof options.key === 'string' ? [options.key] : (options.key ?? []);
  for (const k of key) {
    if (!names.includes(k)) {
      throw new PandalchemyError(
        'unknown_column',
        `Key column '${k}' is not a column of the table.`,
        { column: k },
      );
    }
  }
  const columns: ColumnInfo[] = names.map((n) => {
    checkIdentifier(n, 'column');
    const declaredType = checkDeclaredType(
      options.types?.[n] ?? inferDeclaredType(source.array(n), n),
    );
    return {
      name: n,
      declaredType,
      kind: kindOf(declaredType),
      notNull: key.includes(n),
      defaultSql: null,
      primaryKey: key.indexOf(n) + 1,
    };
  });
  const info: TableInfo = freezeTableInfo({
    name,
    columns,
    key: key.length
      ? {
          kind: 'primary',
          columns: [...key],
          autoAssigned:
            key.length === 1 &&
            asciiUpper(asciiTrim(columns.find((c) => c.name === key[0])?.declaredType ?? '')) ===
              'INTEGER',
        }
      : {
          kind: 'rowid',
          columns: [rowidNameOf(name, names)],
          autoAssigned: true,
        },
    withoutRowid: false,
    autoIncrement: false,
    indexes: [],
    foreignKeys: [],
    triggers: [],
    sql: '',
  });
  const n = source.numRows();
  const data = columns.map((c) => {
    const values = source.array(c.name) as ArrayLike<unknown>;
    return Array.from(values, (v): CellValue =>
      normalizeValue(c.kind, v, { table: name, column: c.name }),
    );
  });
  const rowid = info.key.kind === 'rowid';
  return new TrackedTable(info, {
    names: [...(rowid ? [info.key.columns[0]!] : []), ...names],
    columns: [...(rowid ? [Array.from({ length: n }, (_, i) => i + 1)] : []), ...data],
    length: n,
  });
}
