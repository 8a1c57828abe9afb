import type { ColumnTable } from 'arquero';
import { PandalchemyError } from '../../errors/pandalchemy-error';
import { describeValue } from '../../values/codec';
import type { CellValue } from '../../values/sql-value';
import { checkValue } from '../check-value';
import type { ColumnState } from '../column-state';
import { formatKey } from '../format-key';
import type { TableState } from '../table-state';
import { ownField } from '../../values/own-field';

/** A row to insert or upsert: column name to value; columns left out take their default. */
export type RowInput = Readonly<Record<string, unknown>>;

/** Whether the database fills a column that an insert leaves out. */
export function hasDefault(state: TableState, col: ColumnState): boolean {
  if (col.added) return col.added.default !== null || !col.notNull;
  return col.defaultSql !== null || !col.notNull || (state.isKeyColumn(col) && state.autoKey);
}

/** Checks a row for insertion and returns its values by column id (undefined: not given). */
export function rowValues(state: TableState, row: RowInput): (CellValue | undefined)[] {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new PandalchemyError(
      'invalid_argument',
      `A row of '${state.name}' is an object by column name ({ ${state.columns[0]?.name ?? 'id'}: ... }); got ${describeValue(row)}.`,
      { table: state.name },
    );
  }
  for (const name of Object.keys(row)) state.column(name);
  const values: (CellValue | undefined)[] = [];
  for (const col of state.columns) {
    // Own fields only: a column named `toString` or `__proto__` is not read from the prototype.
    const given = ownField(row, col.name);
    if (given !== undefined) {
      values[col.id] = checkValue(state, col, given, true);
    } else if (!hasDefault(state, col)) {
      throw new PandalchemyError(
        'not_null',
        `Column '${col.name}' of table '${state.name}' is NOT NULL without a default: give it a value.`,
        { table: state.name, column: col.name },
      );
    }
  }
  return values;
}

/** Inserts one checked row, refusing a key already held. Returns its row id. */
export function insertValues(state: TableState, values: (CellValue | undefined)[]): number {
  const key = state.keyColumns.map((c) => values[c.id] ?? null);
  if (key.some((v) => v === null)) {
    if (!(state.autoKey && key.length === 1)) {
      throw new PandalchemyError(
        'null_key',
        `Rows inserted into '${state.name}' need a key (${state.keyColumns.map((c) => c.name).join(', ')}): give every key column a value.`,
        {
          table: state.name,
        },
      );
    }
  } else if (state.find(key) !== undefined) {
    throw new PandalchemyError(
      'duplicate_key',
      `Table '${state.name}' already has a row with key ${formatKey(key)}: use a new key, or update() or upsert() the row.`,
      {
        table: state.name,
        key,
      },
    );
  }
  return state.add(values);
}

/** Inserts rows as one operation. */
export function insertRows(state: TableState, rows: readonly RowInput[]): void {
  state.edit(
    'insert',
    () => `insert ${rows.length} row(s)`,
    () => {
      for (const row of rows) insertValues(state, rowValues(state, row));
    },
  );
}

/**
 * Rows as the insert and upsert calls take them: one object, an array of them, or an Arquero
 * table; anything else is refused (`invalid_argument`).
 */
export function rowInputs(rows: RowInput | readonly RowInput[] | ColumnTable): readonly RowInput[] {
  if (Array.isArray(rows)) return rows;
  if (typeof rows !== 'object' || rows === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `Rows are objects by column name; got ${describeValue(rows)}. Pass one such as { id: 1, name: 'Ada' }, an array of them or an Arquero table.`,
    );
  }
  if (
    typeof (rows as ColumnTable).objects === 'function' &&
    typeof (rows as ColumnTable).numRows === 'function'
  ) {
    return (rows as ColumnTable).objects() as RowInput[];
  }
  return [rows as RowInput];
}
