import type { ColumnKind } from '../src/index';

/**
 * Fixed sizes of the grid, so that a cell's place on the canvas follows from its row and column
 * (the end-to-end tests read pixels there to check the highlight colours).
 */
export const GRID_METRICS = { headerHeight: 36, rowHeight: 34 } as const;

/** Width of the row-marker column (checkbox and row number) for a grid of `rows` rows. */
export function rowMarkerWidth(rows: number): number {
  return Math.max(48, 20 + 8 * String(rows).length);
}

/**
 * Width of a column of a kind, before the user resizes it: narrow enough that seven or so columns
 * fit beside the side panels at 1280 px (longer text ends in an ellipsis, see table-grid.tsx).
 */
export function defaultColumnWidth(kind: ColumnKind): number {
  switch (kind) {
    case 'boolean':
      return 64;
    case 'integer':
    case 'real':
    case 'numeric':
      return 90;
    case 'date':
      return 100;
    case 'datetime':
      return 150;
    default:
      return 120;
  }
}
