import type { ColumnKind } from '../src/index';

/**
 * Fixed sizes of the grid, so that a cell's place on the canvas follows from its row and column
 * (the end-to-end tests read pixels there to check the highlight colours).
 */
export const GRID_METRICS = { headerHeight: 36, rowHeight: 34, rowMarkerWidth: 56 } as const;

/** Width of a column of a kind, before the user resizes it. */
export function defaultColumnWidth(kind: ColumnKind): number {
  switch (kind) {
    case 'boolean':
      return 80;
    case 'integer':
    case 'real':
    case 'numeric':
      return 100;
    case 'date':
      return 116;
    case 'datetime':
      return 170;
    default:
      return 150;
  }
}
