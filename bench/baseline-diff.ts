import type { ColumnTable } from 'arquero';
import type { CellValue } from '../src/values/sql-value';
import { valuesEqual } from '../src/values/values-equal';

/**
 * The baseline change detection: a straightforward row-by-row keyed diff, as the Python original
 * does after every edit. A Map from key to row of the original, then every row of the current
 * table looked up and compared column by column.
 */
export function rowByRowDiff(original: ColumnTable, current: ColumnTable, key: string): number {
  const names = original.columnNames();
  const oCols = names.map((n) => original.column(n)!);
  const cCols = names.map((n) => current.column(n)!);
  const oKey = original.column(key)!;
  const index = new Map<unknown, number>();
  const n = original.numRows();
  for (let i = 0; i < n; i++) index.set(oKey.at(i), i);
  const cKey = current.column(key)!;
  let changed = 0;
  const m = current.numRows();
  const seen = new Uint8Array(n);
  for (let i = 0; i < m; i++) {
    const j = index.get(cKey.at(i));
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
