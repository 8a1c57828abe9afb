import { CellOperation } from '../table/cell-operation';
import type { ColumnState } from '../table/column-state';
import {
  CellMutation,
  DeleteMutation,
  InsertMutation,
  RestoreMutation,
  type Mutation,
} from '../table/mutations';
import { Operation, type OperationKind } from '../table/operation-log';
import type { RowChange, TableChanges } from '../table/row-changes';
import type { TableState } from '../table/table-state';
import type { CellValue } from '../values/sql-value';
import type { DeltaMutation, DeltaOperation, DeltaRecord, DraftRecord } from './draft-record';
import { decodeSlot, invalid, restorePending } from './restore-draft';
import { decodeNet } from './delta-net';
import { diffTable } from '../table/diff-table';
import type { TableInfo } from '../schema/table-info';
import type { RowStore } from '../table/row-store';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Checks a delta's shape before anything is taken from it. Throws `draft_invalid`. */
export function checkDelta(rec: DeltaRecord): void {
  const c = isObject(rec) ? rec.cells : null;
  if (
    !isObject(rec) ||
    rec.delta !== true ||
    typeof rec.events !== 'string' ||
    !isObject(c) ||
    !(c.rows instanceof Int32Array) ||
    !(c.columns instanceof Int32Array) ||
    !(c.at instanceof Float64Array) ||
    ![c.prev, c.next, c.keys].every((a) => Array.isArray(a) && a.length === c.rows.length) ||
    c.columns.length !== c.rows.length ||
    c.at.length !== c.rows.length ||
    !Array.isArray(rec.ops) ||
    typeof rec.nextSeq !== 'number' ||
    typeof rec.nextColumnId !== 'number' ||
    !isObject(rec.net)
  )
    throw invalid('an appended save is malformed');
}

/** The live column of id `id`: an appended operation only ever changes live columns. */
function column(state: TableState, id: unknown): ColumnState {
  const c = state.columns.find((x) => x.id === id);
  if (!c) throw invalid('an appended edit names a column the table does not have');
  return c;
}

function row(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid('an appended edit lost its row');
  return v;
}

/** A mutation made again: decoded against the table as it is at that point of the replay. */
function mutation(state: TableState, rec: DeltaMutation): Mutation {
  if (!Array.isArray(rec)) throw invalid('an appended edit is malformed');
  switch (rec[0]) {
    case 'cell':
      return new CellMutation(
        row(rec[1]),
        column(state, rec[2]),
        decodeSlot(rec[3]),
        decodeSlot(rec[4]),
      );
    case 'delete': {
      const r = row(rec[1]);
      return new DeleteMutation(r, r < 0 ? (state.inserted.get(r) ?? null) : null);
    }
    case 'restore':
      return new RestoreMutation(row(rec[1]));
    case 'insert': {
      if (typeof rec[1] !== 'number' || !Array.isArray(rec[2]))
        throw invalid('an appended insert is malformed');
      return new InsertMutation({ seq: rec[1], values: rec[2] as (CellValue | undefined)[] });
    }
    default:
      throw invalid('an appended edit is of unknown kind');
  }
}

function applyOperation(state: TableState, rec: DeltaOperation | undefined): void {
  if (!Array.isArray(rec) || rec[0] !== 'o' || typeof rec[3] !== 'number' || !Array.isArray(rec[4]))
    throw invalid('an appended edit is malformed');
  const description = String(rec[2]);
  const op = new Operation(rec[1] as OperationKind, () => description, rec[3]);
  for (const m of rec[4]) {
    const decoded = mutation(state, m);
    decoded.redo(state);
    op.add(decoded);
  }
  state.log.record(op);
}

/**
 * Makes a delta's events again over the state its draft's records before it give: undo and redo
 * as the table does them, new operations redone change by change (each decoded against the
 * table as it is then, so that a deleted inserted row is the very row object the table holds).
 */
export function replayDelta(state: TableState, rec: DeltaRecord): void {
  const c = rec.cells;
  let cell = 0;
  let op = 0;
  for (const e of rec.events) {
    if (e === 'u') {
      if (!state.undo()) throw invalid('an appended undo has nothing to undo');
    } else if (e === 'r') {
      if (!state.redo()) throw invalid('an appended redo has nothing to redo');
    } else if (e === 't') {
      if (cell >= c.rows.length) throw invalid('an appended edit is missing');
      const i = cell++;
      const col = column(state, c.columns[i]);
      const edit = new CellOperation(
        c.rows[i]!,
        col,
        decodeSlot(c.prev[i]),
        decodeSlot(c.next[i]),
        c.keys[i] as CellValue | readonly CellValue[],
        col.name,
        c.at[i],
      );
      edit.redo(state);
      state.log.record(edit);
    } else if (e === 'o') applyOperation(state, rec.ops[op++]);
    else throw invalid('an appended event is of unknown kind');
  }
  state.takeDraftCounters(rec);
}

/**
 * The net changes of a draft (what is rebased when the rows moved on): the base's, each row
 * named by a delta replaced by its change there, the last delta's last.
 */
export function mergedNet(base: DraftRecord, deltas: readonly DeltaRecord[]): TableChanges {
  if (deltas.length === 0) return base.net;
  const rows = base.netRows;
  if (!rows) throw invalid('its base does not name the rows of its changes');
  const byRow = new Map<number, RowChange | null>();
  rows.deletes.forEach((r, i) => byRow.set(r, base.net.deletes[i]!));
  rows.updates.forEach((r, i) => byRow.set(r, base.net.updates[i]!));
  rows.inserts.forEach((r, i) => byRow.set(r, base.net.inserts[i]!));
  for (const d of deltas) for (const [r, c] of decodeNet(d.net)) byRow.set(r, c);
  const deletes: [number, RowChange][] = [];
  const updates: [number, RowChange][] = [];
  const inserts: [number, RowChange][] = [];
  for (const [r, c] of byRow) {
    if (!c) continue;
    if (!isObject(c)) throw invalid('a row change is malformed');
    (c.type === 'delete' ? deletes : c.type === 'update' ? updates : inserts).push([r, c]);
  }
  // Stored rows in slot order, inserted rows in the order made (their ids count down).
  const up = (x: [number, RowChange], y: [number, RowChange]): number => x[0] - y[0];
  return {
    table: base.net.table,
    schema: base.net.schema,
    deletes: deletes.sort(up).map((x) => x[1]),
    updates: updates.sort(up).map((x) => x[1]),
    inserts: inserts.sort((x, y) => y[0] - x[0]).map((x) => x[1]),
  };
}

/**
 * A table's state as a draft's records give it, over `store` (the rows read again, in the slots
 * the draft was made over): the base's pending state and history, then each delta replayed.
 * Throws `draft_invalid` when the records do not hold together.
 */
export function restoreRecords(
  base: DraftRecord,
  deltas: readonly DeltaRecord[],
  info: TableInfo,
  store: RowStore,
  rowid: boolean,
): TableState {
  const state = restorePending(base, info, store, rowid);
  for (const d of deltas) replayDelta(state, d);
  // What a push would do must be computable: a draft that cannot say it is of no use.
  if (deltas.length) diffTable(state);
  return state;
}
