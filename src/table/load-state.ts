import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnarData } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { ColumnKind } from '../values/column-kind';
import { RowStore, type StoreColumn } from './row-store';
import { TableState } from './table-state';

/**
 * The state of a table loaded from the database: `data` must hold the rowid column first (for a
 * table without a declared key) and then every column of `info`. The arrays are taken over.
 */
export function loadState(info: TableInfo, data: ColumnarData): TableState {
  const rowid = info.key.kind === 'rowid';
  const expected = [...(rowid ? [info.key.columns[0]!] : []), ...info.columns.map((c) => c.name)];
  if (expected.length !== data.names.length || expected.some((n, i) => n !== data.names[i])) {
    throw new PandalchemyError(
      'internal',
      `Loaded columns (${data.names.join(', ')}) do not match the schema of '${info.name}' (${expected.join(', ')}).`,
      { table: info.name },
    );
  }
  const kinds = new Map<string, ColumnKind>(info.columns.map((c) => [c.name, c.kind]));
  const columns: StoreColumn[] = data.names.map((name, i) => ({
    name,
    kind: rowid && i === 0 ? 'integer' : kinds.get(name)!,
    values: data.columns[i]!,
  }));
  const keyColumns = info.key.columns.map((k) => data.names.indexOf(k));
  return new TableState(info, new RowStore(columns, keyColumns, data.length), rowid);
}
