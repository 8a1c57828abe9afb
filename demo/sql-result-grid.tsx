import {
  DataEditor,
  GridCellKind,
  type GridCell,
  type GridColumn,
  type Item,
} from '@glideapps/glide-data-grid';
import type { ColumnTable } from 'arquero';
import { useCallback, useMemo } from 'react';
import type { CellValue } from '../src/index';
import { formatCell } from './format-cell';
import { GRID_METRICS, rowMarkerWidth } from './grid-metrics';

/** The rows a query returned, in a read-only grid (cells can be selected and copied). */
export function SqlResultGrid({ table }: { readonly table: ColumnTable }) {
  const names = useMemo(() => table.columnNames(), [table]);
  const columns = useMemo<GridColumn[]>(
    () => names.map((name) => ({ id: name, title: name, width: 140 })),
    [names],
  );
  const getCellContent = useCallback(
    ([col, row]: Item): GridCell => {
      const name = names[col];
      const value = name === undefined ? null : (table.get(name, row) as CellValue | undefined);
      const text = formatCell(value ?? null, 'any');
      const isNull = value === null || value === undefined;
      return {
        kind: GridCellKind.Text,
        data: text,
        displayData: isNull ? 'NULL' : text,
        allowOverlay: false,
        readonly: true,
        ...(isNull ? { themeOverride: { textDark: '#8a9099' } } : {}),
        ...(typeof value === 'number' || typeof value === 'bigint'
          ? { contentAlign: 'right' as const }
          : {}),
      };
    },
    [table, names],
  );
  return (
    <DataEditor
      width="100%"
      height="100%"
      columns={columns}
      rows={table.numRows()}
      getCellContent={getCellContent}
      rowMarkers="number"
      rowMarkerWidth={rowMarkerWidth(table.numRows())}
      headerHeight={GRID_METRICS.headerHeight}
      rowHeight={GRID_METRICS.rowHeight}
      getCellsForSelection
      smoothScrollX
      smoothScrollY
    />
  );
}
