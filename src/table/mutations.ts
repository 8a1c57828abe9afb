import type { CellValue } from '../values/sql-value';
import type { ColumnState } from './column-state';
import type { ColumnArray } from './row-store';
import type { InsertedRow } from './table-rows';
import type { TableState } from './table-state';

/**
 * One primitive change of a table's pending state, recorded so that an operation can be undone
 * (inverse changes in reverse order) and redone (the changes again, in order).
 */
export interface Mutation {
  undo(state: TableState): void;
  redo(state: TableState): void;
}

/** Marks an inserted row's column that was never given a value (the database default applies). */
export const UNSET: unique symbol = Symbol('unset');
export type Slot = CellValue | typeof UNSET;

/** A cell changed from `prev` to `next`. */
export class CellMutation implements Mutation {
  constructor(
    readonly row: number,
    readonly column: ColumnState,
    readonly prev: Slot,
    readonly next: Slot,
  ) {}
  undo(state: TableState): void {
    state.applyValue(this.row, this.column, this.prev);
  }
  redo(state: TableState): void {
    state.applyValue(this.row, this.column, this.next);
  }
}

/** A whole column's pending values replaced (dense values and single edits together). */
export class ColumnValuesMutation implements Mutation {
  constructor(
    readonly column: ColumnState,
    readonly prevDense: ColumnArray | null,
    readonly prevCells: Map<number, CellValue>,
    readonly nextDense: ColumnArray | null,
    readonly nextCells: Map<number, CellValue>,
  ) {}
  undo(state: TableState): void {
    state.applyColumnValues(this.column, this.prevDense, this.prevCells);
  }
  redo(state: TableState): void {
    state.applyColumnValues(this.column, this.nextDense, this.nextCells);
  }
}

/** A row deleted (a stored row marked, or an inserted row removed). */
export class DeleteMutation implements Mutation {
  constructor(
    readonly row: number,
    readonly inserted: InsertedRow | null,
  ) {}
  undo(state: TableState): void {
    state.applyRestore(this.row, this.inserted);
  }
  redo(state: TableState): void {
    state.applyDelete(this.row);
  }
}

/** A deleted stored row brought back (the inverse of a {@link DeleteMutation}). */
export class RestoreMutation implements Mutation {
  constructor(readonly row: number) {}
  undo(state: TableState): void {
    state.applyDelete(this.row);
  }
  redo(state: TableState): void {
    state.applyRestore(this.row, null);
  }
}

/** A row inserted. */
export class InsertMutation implements Mutation {
  constructor(readonly inserted: InsertedRow) {}
  undo(state: TableState): void {
    state.applyDelete(state.insertedId(this.inserted));
  }
  redo(state: TableState): void {
    state.applyRestore(state.insertedId(this.inserted), this.inserted);
  }
}

/** A column added (or, undone, removed) at a position of the column order. */
export class AddColumnMutation implements Mutation {
  constructor(
    readonly column: ColumnState,
    readonly position: number,
  ) {}
  undo(state: TableState): void {
    state.applyDropColumn(this.column);
  }
  redo(state: TableState): void {
    state.applyRestoreColumn(this.column, this.position);
  }
}

/** A column dropped from a position of the column order. */
export class DropColumnMutation implements Mutation {
  constructor(
    readonly column: ColumnState,
    readonly position: number,
  ) {}
  undo(state: TableState): void {
    state.applyRestoreColumn(this.column, this.position);
  }
  redo(state: TableState): void {
    state.applyDropColumn(this.column);
  }
}

/** A column renamed. */
export class RenameMutation implements Mutation {
  constructor(
    readonly column: ColumnState,
    readonly from: string,
    readonly to: string,
  ) {}
  undo(state: TableState): void {
    state.applyRename(this.column, this.from);
  }
  redo(state: TableState): void {
    state.applyRename(this.column, this.to);
  }
}

/** What a type change replaces in a column. */
export interface TypeSnapshot {
  readonly declaredType: string;
  readonly kind: ColumnState['kind'];
  readonly base: CellValue[] | null;
  readonly dense: ColumnArray | null;
  readonly cells: Map<number, CellValue>;
  /** Inserted rows' values of this column, by inserted row id. */
  readonly insertedValues: ReadonlyMap<number, Slot>;
}

/** A column's type changed, its values converted. */
export class RetypeMutation implements Mutation {
  constructor(
    readonly column: ColumnState,
    readonly prev: TypeSnapshot,
    readonly next: TypeSnapshot,
  ) {}
  undo(state: TableState): void {
    state.applyType(this.column, this.prev);
  }
  redo(state: TableState): void {
    state.applyType(this.column, this.next);
  }
}
