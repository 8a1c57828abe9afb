import type { ColumnState } from './column-state';
import type { IndexEdit } from './edits/index-edits';
import type { LoggedOperation } from './operation-log';
import type { InsertedRow } from './table-rows';
import type { TableState } from './table-state';

/** @internal What a draft keeps of a table's pending state (see {@link pendingParts}). */
export interface PendingParts {
  readonly columns: readonly ColumnState[];
  readonly droppedColumns: readonly ColumnState[];
  readonly deleted: readonly number[];
  readonly inserted: readonly InsertedRow[];
  readonly indexEdits: readonly IndexEdit[];
  readonly nextSeq: number;
  readonly nextColumnId: number;
  readonly done: readonly LoggedOperation[];
  readonly undone: readonly LoggedOperation[];
}

/**
 * @internal The pending state of a table over its store, as a draft saves it: live objects, which
 * the caller clones. `TableState.adoptPending` takes it back.
 */
export function pendingParts(state: TableState): PendingParts {
  return {
    columns: state.columns,
    droppedColumns: [...state.droppedColumns],
    deleted: [...state.deleted],
    inserted: [...state.inserted.values()],
    indexEdits: state.indexEdits,
    ...state.draftCounters(),
    done: state.log.done,
    undone: state.log.undone,
  };
}
