import type { TrackedTable } from '../src/index';
import { formatKey } from './messages';

/**
 * The reference of the row holding `key`, deleted rows included (they stay in the grid, struck
 * through, until the push): a live row by the table's index, a deleted one by a scan.
 */
export function findRef(t: TrackedTable, key: readonly unknown[]): number | undefined {
  try {
    const ref = t.refOf(key as never);
    if (ref !== undefined) return ref;
  } catch {
    return undefined;
  }
  const wanted = formatKey(key);
  for (const ref of t.rowRefs({ includeDeleted: true })) {
    if (t.rowState(ref) === 'deleted' && formatKey(t.keyAt(ref)) === wanted) return ref;
  }
  return undefined;
}

/** Whether two lists of row references are the same, position by position. */
export function sameRefs(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
