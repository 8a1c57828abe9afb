import type { ColumnTable } from 'arquero';
import type { CellValue } from '../src/values/sql-value';
import { valuesEqual } from '../src/values/values-equal';

/**
 * The baseline change detection: a straightforward row-by-row keyed diff, as the Python original
 * does after every edit. A Map from key to row of the original (a key of several columns joined
 * into one string), then every row of the current table looked up and compared column by column.
 * Returns how many rows differ.
 */
export function rowByRowDiff(
  original: ColumnTable,
  current: ColumnTable,
  key: string | readonly string[],
): number {
  const keys = typeof key === 'string' ? [key] : key;
  const names = original.columnNames();
  const oCols = names.map((n) => original.column(n)!);
  const cCols = names.map((n) => current.column(n)!);
  const keyOf = (table: ColumnTable): ((i: number) => unknown) => {
    const cols = keys.map((k) => table.column(k)!);
    if (cols.length === 1) return (i) => cols[0]!.at(i);
    return (i) => cols.map((c) => String(c.at(i))).join('\u0000');
  };
  const oKey = keyOf(original);
  const index = new Map<unknown, number>();
  const n = original.numRows();
  for (let i = 0; i < n; i++) index.set(oKey(i), i);
  const cKey = keyOf(current);
  let changed = 0;
  const m = current.numRows();
  const seen = new Uint8Array(n);
  for (let i = 0; i < m; i++) {
    const j = index.get(cKey(i));
    if (j === undefined) {
      changed++;
      continue;
    }
    seen[j] = 1;
    for (let c = 0; c < names.length; c++) {
      if (!valuesEqual(oCols[c]!.at(j) as CellValue, cCols[c]!.at(i) as CellValue)) {
        changed++;
        break;
      }
    }
  }
  for (let j = 0; j < n; j++) if (!seen[j]) changed++;
  return changed;
}
