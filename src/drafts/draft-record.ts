import type { TableInfo } from '../schema/table-info';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from '../table/column-state';
import type { IndexEdit } from '../table/edits/index-edits';
import type { OperationKind } from '../table/operation-log';
import type { TableChanges } from '../table/row-changes';
import type { InsertedRow } from '../table/table-state';

/** Version of the saved form: a draft of another version is dropped with a warning, never read. */
export const DRAFT_FORMAT = 1;

/** Marks a cell left to its default in a saved edit (the table's own marker is a symbol). */
export interface UnsetMark {
  readonly pandalchemyUnset: true;
}

/** A primitive change of a saved operation: its class by name and its fields. */
export interface MutationRecord {
  readonly t: string;
  readonly f: Readonly<Record<string, unknown>>;
}

/** An operation of the undo or redo history as saved. */
export type OperationRecord =
  | {
      readonly t: 'cell';
      readonly at: number;
      readonly row: number;
      readonly column: ColumnState;
      readonly prev: CellValue | UnsetMark;
      readonly next: CellValue | UnsetMark;
      readonly key: CellValue | readonly CellValue[];
      readonly columnName: string;
    }
  | {
      readonly t: 'op';
      readonly at: number;
      readonly kind: OperationKind;
      readonly description: string;
      readonly mutations: readonly MutationRecord[];
    };

/**
 * A table's pending state as saved: its objects as the table holds them, saved in one IndexedDB
 * value so that the structured clone keeps every object shared between them shared (a column
 * state referred to by the columns and by the edits that changed it is one object again).
 */
export interface PendingRecord {
  readonly columns: readonly ColumnState[];
  readonly droppedColumns: readonly ColumnState[];
  readonly deleted: readonly number[];
  readonly inserted: readonly InsertedRow[];
  readonly indexEdits: readonly IndexEdit[];
  readonly nextSeq: number;
  readonly nextColumnId: number;
  readonly done: readonly OperationRecord[];
  readonly undone: readonly OperationRecord[];
}

/**
 * What the pending edits were made over: the commit the stored rows are as of and a fingerprint
 * of their slots (keys in slot order, dead slots marked). Edits refer to rows by slot, so the
 * saved pending state is taken as it is only over rows loaded again in the very same slots;
 * otherwise the net changes are rebased (`DraftRecord.net`). A fingerprint, not the rows: saving
 * a million rows would stall the page.
 */
export interface DraftBase {
  readonly seq: number;
  readonly info: TableInfo;
  readonly length: number;
  readonly fingerprint: number;
}

/** A table's draft: whose it is, when it was saved, what it holds. */
export interface DraftRecord {
  readonly format: number;
  readonly table: string;
  /** The tab session that saved it (see draft-owner.ts). */
  readonly owner: string;
  readonly savedAt: number;
  readonly base: DraftBase;
  /** Pending changes when saved (inserts + updates + deletes + schema), for status displays. */
  readonly changes: number;
  readonly pending: PendingRecord;
  /** The net changes as `rowChanges` reports them: what is rebased when the rows moved on. */
  readonly net: TableChanges;
}
