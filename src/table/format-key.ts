import { bigintReplacer } from '../errors/pandalchemy-error';
import type { CellValue } from '../values/sql-value';

/** A key as people read it in messages: `5`, `'ab'`, `(1, 'x')`. */
export function formatKey(key: readonly (CellValue | undefined)[]): string {
  const parts = key.map((v) =>
    typeof v === 'string'
      ? `'${v}'`
      : v instanceof Date
        ? v.toISOString()
        : v instanceof Uint8Array
          ? `${v.length} bytes`
          : JSON.stringify(v ?? null, bigintReplacer).replace(/^"(-?\d+)n"$/, '$1'),
  );
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`;
}
