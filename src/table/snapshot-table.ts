import { ColumnTable } from 'arquero';

/**
 * The Arquero table a tracked table hands out, and every table derived from it by verbs. The same
 * as a ColumnTable but for one thing: an unfiltered, unordered table does not keep the row index
 * it returns from `indices()`. Arquero caches that array and reads it again in later verbs (joins,
 * aggregates), so a caller writing into it would change what the snapshot shows; here every call
 * returns a fresh one.
 *
 * @example
 * ```ts
 * const t = tracked.table();
 * t.indices()[0] = 5; // changes nothing: t.indices()[0] is still 0
 * ```
 */
export class SnapshotTable extends ColumnTable {
  override indices(order = true): Uint32Array {
    if (this.isFiltered() || this.isOrdered()) return super.indices(order);
    const n = this.numRows();
    const index = new Uint32Array(n);
    for (let i = 0; i < n; i++) index[i] = i;
    return index;
  }
}
