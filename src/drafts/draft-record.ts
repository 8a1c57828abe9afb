import type { TableInfo } from '../schema/table-info';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from '../table/column-state';
import type { IndexEdit } from '../table/edits/index-edits';
import type { OperationKind } from '../table/operation-log';
import type { ColumnArray } from '../table/row-store';
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
 * The stored rows the pending edits were made over, as of commit `seq`: saved once per base
 * (when the first edit after a load, push or refresh is saved), not on every save.
 */
export interface BaseRecord {
  readonly format: number;
  readonly id: string;
  readonly seq: number;
  readonly info: TableInfo;
  readonly rowid: boolean;
  readonly names: readonly string[];
  readonly kinds: readonly ColumnKind[];
  readonly keyColumns: readonly number[];
  readonly columns: readonly ColumnArray[];
  readonly length: number;
  /** Dead slots (rows a commit deleted): edits refer to rows by slot, so slots are kept. */
  readonly dead: readonly number[];
}

/** A table's draft: whose it is, when it was saved, what it holds. */
export interface DraftRecord {
  readonly format: number;
  readonly table: string;
  /** The tab session that saved it (see draft-owner.ts). */
  readonly owner: string;
  readonly savedAt: number;
  /** The base it was made over (`BaseRecord.id`). */
  readonly baseId: string;
  /** Pending changes when saved (inserts + updates + deletes + schema), for status displays. */
  readonly changes: number;
  readonly pending: PendingRecord;
}
