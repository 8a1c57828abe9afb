import { checkCellValue, checkValue } from '../check-value';
import { requireRef, requireRefs } from '../row-ref';
import type { TableState } from '../table-state';

/**
 * Sets one cell by row reference (rows whose key the database has yet to assign have no key). A
 * value the column refuses is reported before a reference that names no live row.
 *
 * @example
 * ```ts
 * setAtRef(state, refs[0], 'name', 'Ada');
 * ```
 */
export function setAtRef(s: TableState, ref: number, column: string, value: unknown): void {
  const col = s.column(column);
  if (!(typeof ref === 'number' && s.isLive(ref))) {
    checkValue(s, col, value, typeof ref === 'number' && ref < 0);
    requireRef(s, ref, { live: true });
  }
  const v = checkCellValue(s, ref, col, value);
  s.edit(
    'set',
    () => `set ${col.name}`,
    () => s.write(ref, col, v),
  );
}

/** Deletes rows by reference, as one operation; rows already deleted are left as they are. */
export function deleteAtRefs(s: TableState, refs: unknown): void {
  // Every reference checked first: one that names no row refuses the call, nothing deleted.
  const rows = [...new Set(requireRefs(s, refs))].filter((r) => s.isLive(r));
  s.edit(
    'delete',
    () => `delete ${rows.length} row(s)`,
    () => {
      for (const r of rows) s.remove(r);
    },
  );
}
