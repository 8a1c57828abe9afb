import { CellOperation } from '../table/cell-operation';
import {
  CellMutation,
  DeleteMutation,
  InsertMutation,
  RestoreMutation,
  type Mutation,
} from '../table/mutations';
import { Operation, type LoggedOperation } from '../table/operation-log';
import type { TableState } from '../table/table-state';
import type { DeltaEvent, DeltaMutation, DeltaOperation, DeltaRecord } from './draft-record';
import { encodeSlot } from './encode-draft';
import { rowChangeAt } from './row-change-at';

/**
 * What a draft's records hold of a table's history: the history as one line (operations done,
 * then those undone, last undone last) and how far along it the table is. Undo and redo move
 * along the line; a new operation cuts it where the table is and goes on from there.
 */
export interface SavedPoint {
  readonly state: TableState;
  /** The log's generation: a clear (discard, push, rebase) takes away what the records hold. */
  readonly generation: number;
  readonly line: readonly LoggedOperation[];
  readonly at: number;
}

export function savedPoint(state: TableState): SavedPoint {
  const { done, undone } = state.log;
  const line = done.slice();
  for (let i = undone.length - 1; i >= 0; i--) line.push(undone[i]!);
  return { state, generation: state.log.generation, line, at: done.length };
}

/** Whether an operation's changes can be appended: row-level ones, replayed by column id. */
function appendable(op: LoggedOperation): boolean {
  if (op instanceof CellOperation) return true;
  if (!(op instanceof Operation)) return false;
  return op.mutations.every(
    (m) =>
      m instanceof CellMutation ||
      m instanceof DeleteMutation ||
      m instanceof RestoreMutation ||
      m instanceof InsertMutation,
  );
}

function rowsOf(state: TableState, op: LoggedOperation, into: Set<number>): void {
  if (op instanceof CellOperation) {
    into.add(op.row);
    return;
  }
  for (const m of (op as Operation).mutations) {
    if (m instanceof InsertMutation) into.add(state.insertedId(m.inserted));
    else into.add((m as CellMutation | DeleteMutation | RestoreMutation).row);
  }
}

function encodeMutation(m: Mutation): DeltaMutation {
  if (m instanceof CellMutation)
    return ['cell', m.row, m.column.id, encodeSlot(m.prev), encodeSlot(m.next)];
  if (m instanceof DeleteMutation) return ['delete', m.row];
  if (m instanceof RestoreMutation) return ['restore', m.row];
  const ins = (m as InsertMutation).inserted;
  // The row's values as they are now, not when inserted: the operations after the insert that
  // changed them are in this delta or a later one, and replaying them gives the same values.
  return ['insert', ins.seq, ins.values.slice()];
}

function encodeOperation(op: LoggedOperation): DeltaOperation {
  if (op instanceof CellOperation) {
    const { key, columnName } = op.named;
    return [
      't',
      op.row,
      op.column.id,
      encodeSlot(op.prev),
      encodeSlot(op.next),
      key,
      columnName,
      op.at,
    ];
  }
  const o = op as Operation;
  return ['o', o.kind, o.description, o.at, o.mutations.map(encodeMutation)];
}

/**
 * What happened to a table's history since `point`, as a delta to append to its draft: the undo
 * and redo steps and the new operations, and the net change of every row they touched. Null when
 * the draft must be written whole: the history was cleared or rewritten in a way the line cannot
 * tell, or an operation moved is a schema change or a whole-column one (those hold column states
 * and value arrays shared with the table, which only one structured clone of the whole keeps).
 *
 * Undo after a save is a step back along the line ('u'), which a reopen replays with `undo()`:
 * the operation undone stays in the record that holds it, and redo stays possible after a reopen.
 */
export function encodeDelta(point: SavedPoint, state: TableState): DeltaRecord | null {
  if (point.state !== state || point.generation !== state.log.generation) return null;
  const now = savedPoint(state);
  const a = point.line;
  const b = now.line;
  let q = 0;
  const n = Math.min(a.length, b.length);
  while (q < n && a[q] === b[q]) q++;
  const events: DeltaEvent[] = [];
  const moved: LoggedOperation[] = [];
  const step = (e: 'u' | 'r', op: LoggedOperation): void => {
    events.push(e);
    moved.push(op);
  };
  // Where the table must be on the saved line before the new operations: where the lines part.
  const to = q === b.length ? now.at : q;
  if (q === b.length && a.length !== q) return null; // The line lost operations: not undo or redo.
  for (let i = point.at; i > to; i--) step('u', a[i - 1]!);
  for (let i = point.at; i < to; i++) step('r', a[i]!);
  const added = b.slice(q);
  moved.push(...added);
  // Then back along the new line to where the table is.
  const back = q < b.length ? b.length - now.at : 0;
  for (let i = 0; i < back; i++) moved.push(b[b.length - 1 - i]!);
  if (!moved.every(appendable)) return null;
  const rows = new Set<number>();
  for (const op of moved) rowsOf(state, op, rows);
  for (const op of added) events.push(encodeOperation(op));
  for (let i = 0; i < back; i++) events.push('u');
  const rowList = [...rows];
  return {
    delta: true,
    events,
    ...state.draftCounters(),
    rows: rowList,
    net: rowList.map((r) => rowChangeAt(state, r)),
  };
}
