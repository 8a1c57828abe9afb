import type { CellValue, ColumnKind } from '../src/index';

/**
 * A cell value as the grid shows it and as the editor starts from: dates in the column's stored
 * convention (UTC), BigInt in full, bytes by size. NULL is the empty string (the grid shows it
 * faded as "NULL").
 *
 * @example
 * ```ts
 * formatCell(new Date(Date.UTC(2024, 0, 2)), 'date'); // '2024-01-02'
 * formatCell(2n ** 60n, 'integer'); // '1152921504606846976'
 * ```
 */
export function formatCell(value: CellValue | undefined, kind: ColumnKind): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return 'Invalid date';
    const iso = value.toISOString();
    if (kind === 'date') return iso.slice(0, 10);
    const ms = iso.slice(19, 23);
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}
