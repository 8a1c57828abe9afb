import {
  CompactSelection,
  DataEditor,
  GridCellKind,
  GridColumnIcon,
  type DataEditorRef,
  type DrawCellCallback,
  type EditableGridCell,
  type GridCell,
  type GridColumn,
  type GridSelection,
  type Item,
} from '@glideapps/glide-data-grid';
import '@glideapps/glide-data-grid/dist/index.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ColumnDescription, TrackedTable } from '../src/index';
import { cellContent, rowTheme } from './cell-content';
import { defaultColumnWidth, GRID_METRICS, rowMarkerWidth } from './grid-metrics';
import { parseCellInput } from './parse-cell-input';
import type { Playground } from './playground';

export const EMPTY_SELECTION: GridSelection = {
  columns: CompactSelection.empty(),
  rows: CompactSelection.empty(),
};

/** A selection of one cell. */
export function cursorAt([col, row]: Item): GridSelection {
  return {
    columns: CompactSelection.empty(),
    rows: CompactSelection.empty(),
    current: { cell: [col, row], range: { x: col, y: row, width: 1, height: 1 }, rangeStack: [] },
  };
}

function iconOf(c: ColumnDescription): GridColumnIcon {
  if (c.key) return GridColumnIcon.HeaderRowID;
  switch (c.kind) {
    case 'integer':
    case 'real':
    case 'numeric':
      return GridColumnIcon.HeaderNumber;
    case 'boolean':
      return GridColumnIcon.HeaderBoolean;
    case 'date':
    case 'datetime':
      return GridColumnIcon.HeaderDate;
    default:
      return GridColumnIcon.HeaderString;
  }
}

interface TableGridProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly selection: GridSelection;
  readonly onSelectionChange: (selection: GridSelection) => void;
  readonly onColumnMenu: (column: string) => void;
}

/**
 * The editable grid: Glide Data Grid (canvas, virtualised) reading cells through row references,
 * so a million rows cost one Int32Array and the cells on screen. Pending changes are coloured,
 * deleted rows struck through. Keyboard: arrows move, typing or Enter edits, Enter commits,
 * Escape cancels, Delete clears cells to NULL or deletes selected rows.
 */
export function TableGrid({
  pg,
  table,
  selection,
  onSelectionChange,
  onColumnMenu,
}: TableGridProps) {
  const refs = pg.refs;
  const revision = pg.dataRevision;
  // `table.columns` builds a new array on every call; a new `columns` prop would make the grid
  // redraw everything and can take the focus from an open cell editor.
  const columns = useMemo(() => table.columns, [table, revision]);
  const sort = pg.view.sort;
  const grid = useRef<DataEditorRef>(null);
  const [widths, setWidths] = useState<ReadonlyMap<string, number>>(new Map());

  const gridColumns = useMemo<GridColumn[]>(
    () =>
      columns.map((c) => ({
        id: c.name,
        title: `${c.name}${sort?.column === c.name ? (sort.descending ? ' ↓' : ' ↑') : ''}`,
        width: widths.get(c.name) ?? defaultColumnWidth(c.kind),
        icon: iconOf(c),
        hasMenu: true,
      })),
    [columns, sort, widths],
  );

  // A new callback makes the grid redraw every visible cell: that is how it learns of edits.
  const getCellContent = useCallback(
    ([col, row]: Item): GridCell => cellContent(table, refs[row], columns[col]),
    [table, refs, columns, revision],
  );

  const getRowThemeOverride = useCallback(
    (row: number) => {
      const ref = refs[row];
      return ref === undefined ? undefined : rowTheme(table.rowState(ref));
    },
    [table, refs, revision],
  );

  const drawCell = useCallback<DrawCellCallback>(
    (args, drawContent) => {
      drawContent();
      const ref = refs[args.row];
      if (ref === undefined || ref < 0 || table.rowState(ref) !== 'deleted') return;
      const { ctx, rect } = args;
      ctx.save();
      ctx.strokeStyle = '#9b1c1c';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(rect.x + 6, rect.y + rect.height / 2 + 0.5);
      ctx.lineTo(rect.x + rect.width - 6, rect.y + rect.height / 2 + 0.5);
      ctx.stroke();
      ctx.restore();
    },
    [table, refs, revision],
  );

  const onCellEdited = useCallback(
    ([col, row]: Item, value: EditableGridCell) => {
      const column = columns[col];
      const ref = refs[row];
      if (!column || ref === undefined) return;
      if (value.kind === GridCellKind.Boolean) pg.setCell(ref, column.name, value.data ?? null);
      else if (value.kind === GridCellKind.Text)
        pg.setCell(ref, column.name, parseCellInput(column.kind, value.data));
    },
    [pg, columns, refs],
  );

  const onDelete = useCallback(
    (sel: GridSelection): boolean => {
      const rows = sel.rows.toArray();
      const first = rows[0];
      if (first !== undefined) {
        pg.deleteRows(pg.refsAt(rows));
        // The rows stay in place, struck through: keep a cursor there, drop the checked rows.
        onSelectionChange(cursorAt(sel.current?.cell ?? [0, first]));
        return false;
      }
      const range = sel.current?.range;
      if (range) {
        const cells: { ref: number; column: string }[] = [];
        for (let r = range.y; r < range.y + range.height && cells.length < 10_000; r++) {
          const ref = refs[r];
          if (ref === undefined || (ref >= 0 && table.rowState(ref) === 'deleted')) continue;
          for (let c = range.x; c < range.x + range.width; c++) {
            const column = columns[c];
            if (column && !column.key) cells.push({ ref, column: column.name });
          }
        }
        if (cells.length) pg.clearCells(cells);
      }
      return false;
    },
    [pg, refs, columns, table, onSelectionChange],
  );

  // Selected positions mean other rows once the layout changes. (Before the effect below, so
  // that a row asked for in the same render stays selected.)
  const layout = pg.layout;
  useEffect(() => onSelectionChange(EMPTY_SELECTION), [table, layout, onSelectionChange]);

  // Another table starts at its top-left corner, not where the previous one was scrolled to.
  // (Before the effect below, so that a row asked for in the same render is scrolled to.)
  const name = table.name;
  useEffect(() => grid.current?.scrollTo(0, 0), [name]);

  // Scroll to, and select, a row that a message points at or that was just inserted.
  const target = pg.target;
  const focusPending = useRef(false);
  useEffect(() => {
    if (!target) return;
    const row = refs.indexOf(target.ref);
    if (row < 0) return;
    const col = Math.max(
      0,
      columns.findIndex((c) => c.name === target.column),
    );
    grid.current?.scrollTo(col, row, 'vertical', 0, GRID_METRICS.rowHeight * 2);
    onSelectionChange(cursorAt([col, row]));
    focusPending.current = true;
  }, [target?.nonce]);

  // Focus once the grid holds the new selection: focused earlier, it would select the first
  // visible cell instead. Focus the canvas, not `grid.current.focus()`: Glide would focus the cell
  // it focused last, which can still be in the document and leave it once the scroll is drawn,
  // taking the focus with it. From the canvas, Glide moves the focus to the selected cell.
  const frame = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusPending.current || !selection.current) return;
    focusPending.current = false;
    frame.current
      ?.querySelector<HTMLCanvasElement>('canvas[data-testid="data-grid-canvas"]')
      ?.focus({ preventScroll: true });
  }, [selection]);

  return (
    // `display: contents`: the wrapper takes no box; the grid fills the frame as before.
    <div ref={frame} style={{ display: 'contents' }}>
      <DataEditor
        ref={grid}
        width="100%"
        height="100%"
        columns={gridColumns}
        rows={refs.length}
        getCellContent={getCellContent}
        getRowThemeOverride={getRowThemeOverride}
        drawCell={drawCell}
        onCellEdited={onCellEdited}
        onDelete={onDelete}
        gridSelection={selection}
        onGridSelectionChange={onSelectionChange}
        rowMarkers="both"
        rowMarkerWidth={rowMarkerWidth(refs.length)}
        headerHeight={GRID_METRICS.headerHeight}
        rowHeight={GRID_METRICS.rowHeight}
        smoothScrollX
        smoothScrollY
        getCellsForSelection
        onPaste
        onHeaderClicked={(col) => {
          const c = columns[col];
          if (c) pg.toggleSort(c.name);
        }}
        onHeaderMenuClick={(col) => {
          const c = columns[col];
          if (c) onColumnMenu(c.name);
        }}
        onColumnResize={(column, size) => {
          const id = column.id;
          if (id) setWidths((w) => new Map(w).set(id, size));
        }}
      />
    </div>
  );
}
