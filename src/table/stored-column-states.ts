import { defaultValueOf } from '../dialect/sqlite/sqlite-default-value';
import type { TableInfo } from '../schema/table-info';
import type { ColumnState } from './column-state';
import type { RowStore } from './row-store';

/**
 * The states of a store's columns with no pending edits, in the store's order, each declared as
 * `info` says (a column `info` lacks, such as a rowid shown as a column: INTEGER, NOT NULL) and
 * numbered by `newId`.
 */
export function storedColumnStates(
  info: TableInfo,
  store: RowStore,
  newId: () => number,
): ColumnState[] {
  const declared = new Map(info.columns.map((c) => [c.name, c]));
  return store.names.map((name, origin) => {
    const column = declared.get(name);
    const kind = store.kinds[origin]!;
    return {
      id: newId(),
      name,
      declaredType: column?.declaredType ?? 'INTEGER',
      kind,
      notNull: column?.notNull ?? true,
      defaultSql: column?.defaultSql ?? null,
      fill: defaultValueOf(column?.defaultSql ?? null, kind),
      origin,
      added: null,
      cells: new Map(),
      dense: null,
      base: null,
      dropped: false,
    };
  });
}
