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
import type { DeltaCells, DeltaMutation, DeltaOperation, DeltaRecord } from './draft-record';
import { encodeNet } from './delta-net';
import { encodeSlot } from './encode-draft';

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

function encodeOperation(op: Operation): DeltaOperation {
  return ['o', op.kind, op.description, op.at, op.mutations.map(encodeMutation)];
}

function encodeCells(ops: readonly CellOperation[]): DeltaCells {
  return {
    rows: Int32Array.from(ops, (o) => o.row),
    columns: Int32Array.from(ops, (o) => o.column.id),
    at: Float64Array.from(ops, (o) => o.at),
    prev: ops.map((o) => encodeSlot(o.prev)),
    next: ops.map((o) => encodeSlot(o.next)),
    keys: ops.map((o) => o.named.key),
  };
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
export function encodeDelta(point: SavedPoint, state: TableState): DeltaPlan | null {
  if (point.state !== state || point.generation !== state.log.generation) return null;
  const now = savedPoint(state);
  const a = point.line;
  const b = now.line;
  let q = 0;
  const n = Math.min(a.length, b.length);
  while (q < n && a[q] === b[q]) q++;
  const events: string[] = [];
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
  const cells: CellOperation[] = [];
  const ops: DeltaOperation[] = [];
  for (const op of added) {
    if (op instanceof CellOperation) {
      // Replayed under the column's name now: a rename since makes the draft be written whole.
      if (op.named.columnName !== op.column.name) return null;
      events.push('t');
      cells.push(op);
    } else {
      events.push('o');
      ops.push(encodeOperation(op as Operation));
    }
  }
  for (let i = 0; i < back; i++) events.push('u');
  return {
    events: events.join(''),
    cells,
    ops,
    rows: [...rows],
    counters: state.draftCounters(),
    point: now,
  };
}

/**
 * A delta worked out but not encoded yet: its events, the single-cell edits (objects that never
 * change, encoded part by part), the other operations (encoded at once: an inserted row's values
 * change in place), the rows touched and where the history is.
 */
export interface DeltaPlan {
  readonly events: string;
  readonly cells: readonly CellOperation[];
  readonly ops: readonly DeltaOperation[];
  readonly rows: readonly number[];
  readonly counters: { readonly nextSeq: number; readonly nextColumnId: number };
  readonly point: SavedPoint;
}

/** Events (and rows) per record of a delta: a part is encoded and cloned in a task of its own. */
export const PART = 1024;

/** How many records a delta takes. */
export function partCount(d: DeltaPlan, size = PART): number {
  return Math.max(1, Math.ceil(d.events.length / size), Math.ceil(d.rows.length / size));
}

/**
 * A delta's records, made one at a time, so that a big save is many short tasks (the drafts put
 * each part in the same transaction after the one before is stored). The net changes of a part's
 * rows are those when the part is made: edits made meanwhile change rows that the next save's
 * delta names again, and the later record wins.
 */
export function* deltaParts(d: DeltaPlan, state: TableState, size = PART): Generator<DeltaRecord> {
  const parts = partCount(d, size);
  const rowsPer = Math.ceil(d.rows.length / parts);
  let cell = 0;
  let op = 0;
  for (let k = 0; k < parts; k++) {
    const events = d.events.slice(k * size, (k + 1) * size);
    let cells = 0;
    let ops = 0;
    for (const e of events) {
      if (e === 't') cells++;
      else if (e === 'o') ops++;
    }
    yield {
      delta: true,
      events,
      cells: encodeCells(d.cells.slice(cell, cell + cells)),
      ops: d.ops.slice(op, op + ops),
      ...d.counters,
      net: encodeNet(state, d.rows.slice(k * rowsPer, (k + 1) * rowsPer)),
    };
    cell += cells;
    op += ops;
  }
}
