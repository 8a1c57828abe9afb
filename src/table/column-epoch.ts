import type { CellValue } from '../values/sql-value';

/**
 * How a store column looked when views of it were made, kept without copying it. The store writes
 * its columns in place; before the first write of a row after views were made, it keeps the row's
 * old value in the current epoch. A view reads its epoch's old values, then those of each newer
 * epoch (begun when views were made again after writes), then the column: the first value found
 * is the one the row had when the view was made.
 *
 * @example
 * ```ts
 * const epoch = new ColumnEpoch();
 * epoch.before.set(3, 'old'); // the store is about to write row 3
 * epochValue(epoch, 3, column); // 'old', whatever column[3] holds now
 * ```
 */
export class ColumnEpoch {
  /** Values rows had when this epoch began, for rows written since. */
  readonly before = new Map<number, CellValue>();
  /** The epoch begun after this one. */
  next: ColumnEpoch | null = null;
  /**
   * The whole column as it was when this epoch began: set when so many rows were written that
   * keeping them one by one would cost more than a copy. The store then stops recording here.
   */
  frozen: ArrayLike<CellValue> | null = null;
}

/** The value slot `row` had when `epoch` began, `column` being the array the store writes. */
export function epochValue(
  epoch: ColumnEpoch,
  row: number,
  column: ArrayLike<CellValue>,
): CellValue {
  for (let e: ColumnEpoch | null = epoch; e !== null; e = e.next) {
    if (e.frozen !== null) return e.frozen[row] ?? null;
    if (e.before.size !== 0) {
      const v = e.before.get(row);
      if (v !== undefined) return v;
    }
  }
  return column[row] ?? null;
}
