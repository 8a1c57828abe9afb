import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import { formatKey } from './format-key';
import type { Slot } from './mutations';
import type { LoggedOperation } from './operation-log';
import type { TableState } from './table-state';

/**
 * A single-cell edit as one object: the operation and its only change together. Tables take
 * thousands of these, each kept for undo, so it holds no more than undo, redo and its
 * description need; a one-column key is kept as its value rather than an array.
 */
export class CellOperation implements LoggedOperation {
  readonly #key: CellValue | readonly CellValue[];
  /** The column's name when the edit was made (a later rename does not rewrite history). */
  readonly #columnName: string;

  constructor(
    readonly row: number,
    readonly column: ColumnState,
    readonly prev: Slot,
    readonly next: Slot,
    key: CellValue | readonly CellValue[],
    /** Given when a draft restores the edit: the column's name then, and when it was made. */
    columnName: string = column.name,
    readonly at: number = Date.now(),
  ) {
    this.#key = Array.isArray(key) && key.length === 1 ? (key[0] as CellValue) : key;
    this.#columnName = columnName;
  }

  /**
   * @internal The key as the edit named it (saved by drafts). Two getters, not one returning an
   * object: a save reads them for each of thousands of edits, and would make that many objects.
   */
  get key(): CellValue | readonly CellValue[] {
    return this.#key;
  }

  /** @internal The column's name when the edit was made (saved by drafts). */
  get columnName(): string {
    return this.#columnName;
  }

  get kind(): 'set' {
    return 'set';
  }

  get description(): string {
    const k = this.#key;
    return `set ${this.#columnName} of ${formatKey(Array.isArray(k) ? k : [k as CellValue])}`;
  }

  undo(state: TableState): void {
    state.applyValue(this.row, this.column, this.prev);
  }

  redo(state: TableState): void {
    state.applyValue(this.row, this.column, this.next);
  }
}
