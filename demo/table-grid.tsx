import {
  CompactSelection,
  DataEditor,
  drawTextCell,
  GridCellKind,
  GridColumnIcon,
  type BaseDrawArgs,
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
import { CHANGE_COLORS, cellContent, rowTheme } from './cell-content';
import { shownColumns } from './column-layout';
import { isMarked } from './error-marks';
import { defaultColumnWidth, GRID_METRICS, rowMarkerWidth } from './grid-metrics';
import { parseCellInput } from './parse-cell-input';
import type { Playground } from './playground';
import type { ViewSpec } from './row-view';

/** Width of a column marked as added, renamed or retyped, unless the user resized it. */
const MARKED_WIDTH = 180;

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
  /** Room below the last row, so that it can be scrolled out from under the floating bars. */
  readonly bottomPadding: number;
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
  bottomPadding,
}: TableGridProps) {
  const refs = pg.refs;
  const revision = pg.dataRevision;
  // `table.columns` builds a new array on every call; a new `columns` prop would make the grid
  // redraw everything and can take the focus from an open cell editor.
  // Hidden columns left out, in the user's order: grid positions index this list.
  const layout = pg.columnLayout();
  const columns = useMemo(() => shownColumns(table.columns, layout), [table, revision, layout]);
  const sorts = pg.view.sorts;
  const refused = pg.errorMarks;
  const isRefused = (t: TrackedTable, ref: number | undefined, column: string | undefined) =>
    ref !== undefined && column !== undefined && isMarked(refused, t.name, t.keyAt(ref), column);
  const marks = pg.marks;
  const grid = useRef<DataEditorRef>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState<ReadonlyMap<string, number>>(new Map());

  const gridColumns = useMemo<GridColumn[]>(
    () =>
      columns.map((c) => ({
        id: c.name,
        title: `${c.name}${marks.columns.has(c.name) ? ` (${marks.columns.get(c.name)})` : ''}${sortMark(sorts, c.name)}`,
        ...(marks.columns.has(c.name)
          ? { themeOverride: { bgHeader: CHANGE_COLORS.retyped } }
          : {}),
        // A marked column is wide enough for its note and for 'before → after' cells.
        width:
          widths.get(c.name) ??
          Math.max(defaultColumnWidth(c.kind), marks.columns.has(c.name) ? MARKED_WIDTH : 0),
        icon: iconOf(c),
        hasMenu: true,
      })),
    [columns, sorts, widths, marks],
  );

  // A new callback makes the grid redraw every visible cell: that is how it learns of edits.
  const getCellContent = useCallback(
    ([col, row]: Item): GridCell =>
      cellContent(
        table,
        refs[row],
        columns[col],
        marks.retyped.get(columns[col]?.name ?? ''),
        refused.has(table.name) && isRefused(table, refs[row], columns[col]?.name),
      ),
    [table, refs, columns, revision, marks, refused],
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
      drawTextWithEllipsis(args, drawContent);
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
        void pg.askDelete(pg.refsAt(rows));
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

  // A paste is one edit of every cell it covers (one undo step), not one edit per cell as the
  // grid would make it. Cells past the last row or column, and deleted rows, are left out.
  const onPaste = useCallback(
    ([col, row]: Item, values: readonly (readonly string[])[]): boolean => {
      const cells: { ref: number; column: string; value: unknown }[] = [];
      values.forEach((line, r) => {
        const ref = refs[row + r];
        if (ref === undefined || (ref >= 0 && table.rowState(ref) === 'deleted')) return;
        line.forEach((text, c) => {
          const column = columns[col + c];
          if (column)
            cells.push({ ref, column: column.name, value: parseCellInput(column.kind, text) });
        });
      });
      if (cells.length) pg.setCells(cells);
      return false;
    },
    [pg, refs, columns, table],
  );

  // Selected positions mean other rows once the layout changes. (Before the effect below, so
  // that a row asked for in the same render stays selected.)
  const positions = pg.layout;
  useEffect(() => onSelectionChange(EMPTY_SELECTION), [table, positions, onSelectionChange]);

  // Another table, sort or filter starts a new grid, at its top-left corner: a shorter view must
  // not keep the scroll offset of a longer one (past its last row, a blank grid that scrolling
  // did not recover at a million rows). A new key remounts the grid with its scroll state reset.
  // (Before the effect below, which scrolls the new grid to a row asked for in the same render.)
  const gridKey = `${table.name}\u0000${pg.viewRevision}`;

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
    // A grid mounted in this render (another table or view) has not measured itself yet and
    // ignores a scroll: try again on the next frames until it has.
    let frame = 0;
    const scroll = (tries: number) => {
      const g = grid.current;
      const size = g?.getBounds();
      if (g && size && size.height > 0)
        g.scrollTo(col, row, 'vertical', 0, GRID_METRICS.rowHeight * 2);
      else if (tries > 0) frame = requestAnimationFrame(() => scroll(tries - 1));
    };
    scroll(30);
    onSelectionChange(cursorAt([col, row]));
    focusPending.current = true;
    return () => cancelAnimationFrame(frame);
  }, [target?.nonce]);

  // Focus once the grid holds the new selection: focused earlier, it would select the first
  // visible cell instead. Focus the canvas, not `grid.current.focus()`: Glide would focus the cell
  // it focused last, which can still be in the document and leave it once the scroll is drawn,
  // taking the focus with it. From the canvas, Glide moves the focus to the selected cell.
  useEffect(() => {
    if (!focusPending.current || !selection.current) return;
    focusPending.current = false;
    frame.current
      ?.querySelector<HTMLCanvasElement>('canvas[data-testid="data-grid-canvas"]')
      ?.focus({ preventScroll: true });
  }, [selection]);

  const experimental = useMemo(() => ({ paddingBottom: bottomPadding }), [bottomPadding]);

  return (
    // `display: contents`: the wrapper takes no box; the grid fills the frame as before.
    <div ref={frame} style={{ display: 'contents' }}>
      <DataEditor
        key={gridKey}
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
        // Checkboxes add rows to the selection (several rows can be deleted at once).
        rowSelectionMode="multi"
        rowMarkerWidth={rowMarkerWidth(refs.length)}
        headerHeight={GRID_METRICS.headerHeight}
        rowHeight={GRID_METRICS.rowHeight}
        smoothScrollX
        smoothScrollY
        experimental={experimental}
        getCellsForSelection
        onPaste={onPaste}
        onHeaderClicked={(col) => {
          const c = columns[col];
          if (c) pg.toggleSort(c.name);
        }}
        onHeaderMenuClick={(col) => {
          const c = columns[col];
          if (c) onColumnMenu(c.name);
        }}
        freezeColumns={Math.min(layout.frozen, columns.length)}
        onColumnMoved={(from, to) => pg.moveColumn(from, to)}
        onColumnResize={(column, size) => {
          const id = column.id;
          if (id) setWidths((w) => new Map(w).set(id, size));
        }}
      />
    </div>
  );
}

/**
 * Draws a cell; text wider than the cell ends in an ellipsis (Glide clips it at the edge, which
 * hides that there is more).
 */
function drawTextWithEllipsis(
  args: Parameters<DrawCellCallback>[0],
  drawContent: () => void,
): void {
  const { cell, ctx, rect, theme } = args;
  if (cell.kind !== GridCellKind.Text) return drawContent();
  const text = cell.displayData;
  const room = rect.width - 2 * theme.cellHorizontalPadding;
  // The grid set the cell's font on the context before calling us.
  if (ctx.measureText(text).width <= room) return drawContent();
  // The longest start of the text that fits with the ellipsis (binary search on its length).
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= room) lo = mid;
    else hi = mid - 1;
  }
  // The grid passes every field drawTextCell reads; the callback's type names fewer of them.
  drawTextCell(args as unknown as BaseDrawArgs, `${text.slice(0, lo)}…`, cell.contentAlign);
}

/** ` ↑` on the one sort column, ` ↑1`, ` ↓2` when several sort the rows. */
function sortMark(sorts: ViewSpec['sorts'], column: string): string {
  const i = sorts.findIndex((s) => s.column === column);
  if (i < 0) return '';
  return ` ${sorts[i]!.descending ? '↓' : '↑'}${sorts.length > 1 ? i + 1 : ''}`;
}
