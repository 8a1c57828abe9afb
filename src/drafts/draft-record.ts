import type { TableInfo } from '../schema/table-info';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from '../table/column-state';
import type { IndexEdit } from '../table/edits/index-edits';
import type { OperationKind } from '../table/operation-log';
import type { RowChange, TableChanges } from '../table/row-changes';
import type { InsertedRow } from '../table/table-state';

/** Version of the saved form: a draft of another version is dropped with a warning, never read. */
export const DRAFT_FORMAT = 2;

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

/**
 * A table's draft as its base record holds it: the whole pending state when it was written.
 * The saves after it append {@link DeltaRecord}s (see draft-chunks.ts for why and how).
 */
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
  /**
   * The rows of `net`'s deletes, updates and inserts, in their order (store slots, inserted rows'
   * negative ids): the appended records' net changes replace those of the rows they name.
   */
  readonly netRows?: {
    readonly deletes: readonly number[];
    readonly updates: readonly number[];
    readonly inserts: readonly number[];
  };
}

/**
 * A draft's head, the record a save always rewrites (small): what the draft is made over and how
 * many records it has. Record 0 is the base ({@link DraftRecord}), the others are
 * {@link DeltaRecord}s, appended one per save in the same transaction as the head.
 */
export interface DraftHead {
  readonly format: number;
  readonly table: string;
  readonly owner: string;
  readonly savedAt: number;
  readonly base: DraftBase;
  readonly changes: number;
  /** Records of the draft: its base and the deltas after it. */
  readonly records: number;
  /** Events in the deltas (what a reopen replays): past a limit the draft is written again whole. */
  readonly events: number;
}

/** A saved operation's column: its id (the table's column states are saved once, in the base). */
export type ColumnRef = number;

/** A primitive change of an appended operation (only row-level changes are appended). */
export type DeltaMutation =
  | readonly ['cell', row: number, column: ColumnRef, prev: unknown, next: unknown]
  | readonly ['delete', row: number]
  | readonly ['restore', row: number]
  | readonly ['insert', seq: number, values: readonly unknown[]];

/** An appended operation: a single-cell edit, or an operation of row-level changes. */
export type DeltaOperation =
  | readonly [
      't',
      row: number,
      column: ColumnRef,
      prev: unknown,
      next: unknown,
      key: unknown,
      columnName: string,
      at: number,
    ]
  | readonly [
      'o',
      kind: OperationKind,
      description: string,
      at: number,
      mutations: readonly DeltaMutation[],
    ];

/** What happened to the history since the last save, in order: undo, redo or a new operation. */
export type DeltaEvent = 'u' | 'r' | DeltaOperation;

/** One save's worth of a draft: the history's events since the save before and their net changes. */
export interface DeltaRecord {
  readonly delta: true;
  readonly events: readonly DeltaEvent[];
  readonly nextSeq: number;
  readonly nextColumnId: number;
  /** The rows the events touched, and each one's net change now (null: none). */
  readonly rows: readonly number[];
  readonly net: readonly (RowChange | null)[];
}

/** A record of a draft after its head: the base (record 0) or a delta. */
export type DraftChunk = DraftRecord | DeltaRecord;
