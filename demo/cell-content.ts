import { GridCellKind, type GridCell, type Theme } from '@glideapps/glide-data-grid';
import type { ColumnDescription, TrackedTable } from '../src/index';
import { formatCell } from './format-cell';
import { formatKey } from './messages';
import type { RetypedCell } from './schema-marks';

/** Colours of pending changes; the legend under the grid uses the same ones. */
export const CHANGE_COLORS = {
  changed: '#ffe9a8',
  inserted: '#d9f2df',
  deleted: '#fbdcdc',
  /** Cells a pending type change alters, and the headers of changed columns. */
  retyped: '#ffd2a6',
  /** Cells a refused push named (a CHECK, NOT NULL, UNIQUE or FOREIGN KEY that failed). */
  refused: '#f59a9a',
} as const;

const NULL_TEXT = '#8a9099';
const DELETED_TEXT = '#9b1c1c';

/** Theme of a whole row by its state: inserted rows green, deleted rows red. */
export function rowTheme(state: ReturnType<TrackedTable['rowState']>): Partial<Theme> | undefined {
  if (state === 'inserted') return { bgCell: CHANGE_COLORS.inserted };
  if (state === 'deleted') return { bgCell: CHANGE_COLORS.deleted, textDark: DELETED_TEXT };
  return undefined;
}

const NUMERIC = new Set(['integer', 'real', 'numeric']);

/**
 * The grid cell for one value, read by row reference: NULL shown faded, changed cells
 * highlighted, cells a pending type change alters (`retyped`, the column's) shown before and
 * after, deleted rows read-only, booleans as checkboxes, numbers right-aligned.
 */
export function cellContent(
  table: TrackedTable,
  ref: number | undefined,
  column: ColumnDescription | undefined,
  retyped?: ReadonlyMap<string, RetypedCell>,
  refused = false,
): GridCell {
  if (ref === undefined || column === undefined)
    return { kind: GridCellKind.Loading, allowOverlay: false };
  const value = table.valueAt(ref, column.name);
  const deleted = ref >= 0 && table.rowState(ref) === 'deleted';
  const changed = ref >= 0 && !deleted && table.isChangedAt(ref, column.name);
  const isNull = value === null;
  // A cell a pending type change alters shows what it will become ('01067 → 1067').
  const alter = retyped && ref >= 0 ? retyped.get(formatKey(table.keyAt(ref))) : undefined;
  if (alter) {
    const shown = (v: unknown) => (v === null ? 'NULL' : formatCell(v as never, 'any'));
    return {
      kind: GridCellKind.Text,
      data: formatCell(value, column.kind),
      displayData: `${shown(alter.before)} → ${shown(alter.after)}`,
      allowOverlay: !deleted,
      readonly: deleted,
      themeOverride: { bgCell: CHANGE_COLORS.retyped },
    };
  }
  const theme: Partial<Theme> | undefined =
    changed || isNull || refused
      ? {
          ...(changed ? { bgCell: CHANGE_COLORS.changed } : {}),
          ...(refused ? { bgCell: CHANGE_COLORS.refused } : {}),
          ...(isNull && !deleted ? { textDark: NULL_TEXT } : {}),
        }
      : undefined;
  const common = {
    ...(theme ? { themeOverride: theme } : {}),
    ...(NUMERIC.has(column.kind) ? { contentAlign: 'right' as const } : {}),
  };
  if (column.kind === 'boolean' && (typeof value === 'boolean' || isNull)) {
    return {
      kind: GridCellKind.Boolean,
      data: value as boolean | null,
      allowOverlay: false,
      readonly: deleted,
      ...common,
    };
  }
  const text = formatCell(value, column.kind);
  const autoKey = isNull && ref < 0 && column.key && table.info.key.autoAssigned;
  return {
    kind: GridCellKind.Text,
    data: text,
    displayData: autoKey ? '(auto)' : isNull ? 'NULL' : text,
    allowOverlay: !deleted && !(value instanceof Uint8Array),
    readonly: deleted || value instanceof Uint8Array,
    ...common,
  };
}
