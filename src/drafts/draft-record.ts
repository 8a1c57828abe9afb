import type { TableInfo } from '../schema/table-info';
import type { ArraySlice } from './big-arrays';
import type { CellValue } from '../values/sql-value';
import type { ColumnState } from '../table/column-state';
import type { OperationKind } from '../table/operation-log';
import type { TableChanges } from '../table/row-changes';
import type { PendingParts } from '../table/pending-parts';

/**
 * Version of the saved form. A draft of a version this one does not read is dropped with a
 * warning. Version 3 appends deltas of single-cell edits without their rows' net changes
 * (derived from the edits on a rebase); version 5 keeps a base's big arrays of values in records
 * right after it (see big-arrays.ts). Drafts of versions 2 and 3 are read as they are, and a save
 * after this version opened one goes on appending to it. (Version 4, a packed form on main for a
 * day, is not read: its drafts are dropped with the warning.)
 */
export const DRAFT_FORMAT = 5;

/** The versions of the saved form this version reads. */
export const READ_FORMATS: readonly number[] = [2, 3, 5];

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
export interface PendingRecord extends Omit<PendingParts, 'done' | 'undone'> {
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
 * The saves after it append {@link DeltaRecord}s (see encode-delta.ts for why and how).
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

/** A draft's head but for its count of records, which a delta's records give as they are made. */
export type HeadMeta = Omit<DraftHead, 'records'>;

/** A saved operation's column: its id (the table's column states are saved once, in the base). */
export type ColumnRef = number;

/** A primitive change of an appended operation (only row-level changes are appended). */
export type DeltaMutation =
  | readonly ['cell', row: number, column: ColumnRef, prev: unknown, next: unknown]
  | readonly ['delete', row: number]
  | readonly ['restore', row: number]
  | readonly ['insert', seq: number, values: readonly unknown[]];

/** An appended operation of row-level changes (single-cell edits go in {@link DeltaCells}). */
export type DeltaOperation = readonly [
  'o',
  kind: OperationKind,
  description: string,
  at: number,
  mutations: readonly DeltaMutation[],
];

/**
 * A delta's single-cell edits, field by field: typed arrays and lists of values, which the
 * structured clone copies many times faster than an object per edit. The column's name is its
 * name now (a rename makes the draft be written whole).
 */
export interface DeltaCells {
  readonly rows: Int32Array;
  readonly columns: Int32Array;
  readonly at: Float64Array;
  readonly prev: readonly unknown[];
  readonly next: readonly unknown[];
  /** The row's key as the edit named it (a one-column key as its value). */
  readonly keys: readonly unknown[];
}

/** A delta's single-cell edits packed (see packed-cells.ts); read as {@link DeltaCells}. */
export interface PackedCells {
  readonly packed: 1;
  readonly rows: Int32Array;
  readonly columns: Int32Array;
  readonly at: Float64Array;
  /** Per value (each edit's previous value, new value and key in turn): its kind. */
  readonly kinds: Uint8Array;
  readonly numbers: Float64Array;
  readonly lengths: Uint32Array;
  readonly text: string;
  readonly others: readonly unknown[];
}

/**
 * The net change of each row a delta touched, flat (see delta-net.ts): per row its kind (0 none,
 * 1 insert, 2 update, 3 update with a new key, 4 delete) and its values in `values`, in order.
 */
export interface DeltaNet {
  readonly rows: Int32Array;
  readonly kinds: Int8Array;
  readonly values: readonly unknown[];
  readonly keyLength: number;
  /** The stored columns' names (a delete names them all). */
  readonly names: readonly string[];
}

/**
 * One save's worth of a draft: what happened to the history since the save before, one letter
 * per event in `events` (u: undo, r: redo, t: the next of `cells`, o: the next of `ops`), and
 * the net change of every row the events touched.
 */
export interface DeltaRecord {
  readonly delta: true;
  readonly events: string;
  readonly cells: DeltaCells | PackedCells;
  readonly ops: readonly DeltaOperation[];
  readonly nextSeq: number;
  readonly nextColumnId: number;
  /**
   * The net change of every row the events touched; left out (format 3) when the events are
   * only single-cell edits whose rows' net changes follow from them (see `deriveNet`).
   */
  readonly net?: DeltaNet;
}

/**
 * A record of a draft after its head: the base (record 0), the runs of its big arrays (right
 * after it), or a delta.
 */
export type DraftChunk = DraftRecord | ArraySlice | DeltaRecord;
