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
import type { DeltaMutation, DeltaOperation, DeltaRecord } from './draft-record';
import { packCells } from './packed-cells';
import { encodeNet } from './delta-net';
import { encodeSlot } from './encode-draft';
import { valuesEqual } from '../values/values-equal';
import type { CellValue } from '../values/sql-value';

/**
 * What a draft's records hold of a table's history: the history as one line (operations done,
 * then those undone, last undone last) and how far along it the table is. Undo and redo move
 * along the line; a new operation cuts it where the table is and goes on from there. The line
 * itself is the log's, marked when the point is taken (see `OperationLog.marks`).
 */
export interface SavedPoint {
  readonly state: TableState;
  /** The log's generation: a clear (discard, push, rebase) takes away what the records hold. */
  readonly generation: number;
  /** The log's mark: a point is good until the log is marked again. */
  readonly mark: number;
  readonly length: number;
  readonly at: number;
}

export function savedPoint(state: TableState): SavedPoint {
  const log = state.log;
  return {
    state,
    generation: log.generation,
    mark: log.mark(),
    length: log.lineLength,
    at: log.done.length,
  };
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

/**
 * Whether the net change of the rows `cells` touch can be worked out from the edits themselves
 * when the draft is rebased (see `deriveNet` in replay-delta.ts), so that the delta need not
 * carry it: single-cell edits of stored rows in stored, unconverted, not whole-column-assigned
 * columns, keys untouched, each naming the row by its stored key, and each edit's previous value
 * the stored one itself wherever it equals it (the derived change takes the stored value from
 * the first edit of a cell: 0 for -0 or 5 for 5n would be reported where the database has the
 * other). Looks at each edit once, no allocation: this replaces working out and writing the net
 * change of every touched row, which was most of a save.
 */
function derivable(state: TableState, cells: readonly CellOperation[]): boolean {
  const store = state.store;
  const keys = store.keyColumns;
  const keyCols = state.keyColumns;
  if (keys.length !== keyCols.length) return false;
  for (const c of keyCols) {
    if (c.cells.size > 0 || c.dense !== null || c.base !== null || c.origin < 0) return false;
  }
  for (let i = 0; i < cells.length; i++) {
    const op = cells[i]!;
    const row = op.row;
    const c = op.column;
    if (row < 0 || c.origin < 0 || c.base !== null || c.dense !== null) return false;
    if (keyCols.includes(c)) return false;
    const b = store.get(row, c.origin);
    const p = op.prev as CellValue;
    if (!Object.is(p, b) && valuesEqual(p, b)) return false;
    const k = op.key;
    if (keys.length === 1) {
      if (!Object.is(k, store.get(row, keys[0]!))) return false;
    } else {
      const ks = k as readonly CellValue[];
      for (let j = 0; j < keys.length; j++)
        if (!Object.is(ks[j], store.get(row, keys[j]!))) return false;
    }
  }
  return true;
}

/**
 * What happened to a table's history since `point`, as a delta to append to its draft: the undo
 * and redo steps and the new operations, and the net change of every row they touched (unless
 * the delta is only new single-cell edits that say it themselves: `derivable`). Null when
 * the draft must be written whole: the history was cleared or rewritten in a way the line cannot
 * tell, or an operation moved is a schema change or a whole-column one (those hold column states
 * and value arrays shared with the table, which only one structured clone of the whole keeps).
 *
 * Undo after a save is a step back along the line ('u'), which a reopen replays with `undo()`:
 * the operation undone stays in the record that holds it, and redo stays possible after a reopen.
 */
export function encodeDelta(
  point: SavedPoint,
  state: TableState,
  /** False: always write the net change of every touched row (the format before; tests). */
  derive = true,
): DeltaPlan | null {
  const log = state.log;
  if (point.state !== state || point.generation !== log.generation || point.mark !== log.marks)
    return null;
  const length = log.lineLength;
  const nowAt = log.done.length;
  // Where the lines part: the saved line is the log's up to where it was first cut.
  const q = Math.min(point.length, log.cutAt, length);
  const events: string[] = [];
  const moved: LoggedOperation[] = [];
  const step = (e: 'u' | 'r', op: LoggedOperation): void => {
    events.push(e);
    moved.push(op);
  };
  // Where the table must be on the saved line before the new operations: where the lines part.
  const to = q === length ? nowAt : q;
  if (q === length && point.length !== q) return null; // The line lost operations.
  for (let i = point.at; i > to; i--) step('u', log.markedAt(i - 1)!);
  for (let i = point.at; i < to; i++) step('r', log.markedAt(i)!);
  const added: LoggedOperation[] = [];
  for (let i = q; i < length; i++) added.push(log.lineAt(i)!);
  moved.push(...added);
  // Then back along the new line to where the table is.
  const back = q < length ? length - nowAt : 0;
  for (let i = 0; i < back; i++) moved.push(log.lineAt(length - 1 - i)!);
  if (!moved.every(appendable)) return null;
  const cells: CellOperation[] = [];
  const ops: DeltaOperation[] = [];
  for (const op of added) {
    if (op instanceof CellOperation) {
      // Replayed under the column's name now: a rename since makes the draft be written whole.
      if (op.columnName !== op.column.name) return null;
      events.push('t');
      cells.push(op);
    } else {
      events.push('o');
      ops.push(encodeOperation(op as Operation));
    }
  }
  for (let i = 0; i < back; i++) events.push('u');
  // Only new single-cell edits (editing streams): their rows' net changes follow from them.
  const netFree =
    derive && ops.length === 0 && events.length === cells.length && derivable(state, cells);
  const rows = new Set<number>();
  if (!netFree) for (const op of moved) rowsOf(state, op, rows);
  return {
    events: events.join(''),
    cells,
    ops,
    netFree,
    rows: [...rows],
    counters: state.draftCounters(),
    // Marked last: what happened since the point before is read from the log's last mark.
    point: savedPoint(state),
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
  /** Whether the records leave out the net change of the rows, derived from the edits instead. */
  readonly netFree: boolean;
  readonly rows: readonly number[];
  readonly counters: { readonly nextSeq: number; readonly nextColumnId: number };
  readonly point: SavedPoint;
}

/** Events (and rows) per record of a delta at most: a part is encoded and cloned in a task of its own. */
export const PART = 1024;

/**
 * Bytes a delta's record holds at most, as estimated by `bytesOf`. Chromium stores an IndexedDB
 * value past 64 KiB apart, as a blob: a put of just over 64 KiB took several times as long as one
 * just under. Edits of long text would otherwise make records of 1,024 edits of hundreds of KiB.
 * (Fewer, bigger records cost the page less in a loop that saves the same edits over and over,
 * but more in the drafts bench, where the page runs between a save's records: tried, not kept.)
 */
export const PART_BYTES = 56_000;

/** About how many bytes the structured clone makes of `v` at most (text as two-byte). */
export function bytesOf(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return 2 * v.length + 4;
    case 'number':
      return 9;
    case 'bigint':
      return 16;
    case 'object':
      if (v === null) return 2;
      if (Array.isArray(v)) {
        let n = 4;
        for (const x of v as unknown[]) n += bytesOf(x);
        return n;
      }
      if (v instanceof Uint8Array) return v.byteLength + 8;
      return v instanceof Date ? 9 : 32;
    default:
      return 2;
  }
}

/**
 * A delta's records, made one at a time as they are asked for, so that a big save is several
 * short tasks (the drafts put each in the same transaction after the one before is stored).
 * Each holds the next events, up to `size` of them and about `PART_BYTES`, and the net changes
 * of the next rows when the delta carries them: those of a record are the rows' net changes when
 * it is made (edits made meanwhile change rows that the next save's delta names again, and the
 * later record wins). How many there are is known once they are made: the head, written last,
 * counts them.
 */
export function* deltaParts(d: DeltaPlan, state: TableState, size = PART): Generator<DeltaRecord> {
  let ev = 0;
  let cell = 0;
  let op = 0;
  let row = 0;
  do {
    const from = ev;
    const cellFrom = cell;
    const opFrom = op;
    let bytes = 0;
    for (; ev < d.events.length && ev - from < size; ev++) {
      const e = d.events[ev];
      let b = 1;
      if (e === 't') {
        const c = d.cells[cell]!;
        b = 20 + bytesOf(c.prev) + bytesOf(c.next) + bytesOf(c.key);
      } else if (e === 'o') b = bytesOf(d.ops[op]);
      if (ev > from && bytes + b > PART_BYTES) break;
      bytes += b;
      if (e === 't') cell++;
      else if (e === 'o') op++;
    }
    const record: DeltaRecord = {
      delta: true,
      events: d.events.slice(from, ev),
      cells: packCells(d.cells.slice(cellFrom, cell)),
      ops: d.ops.slice(opFrom, op),
      ...d.counters,
    };
    if (d.netFree) yield record;
    else yield { ...record, net: encodeNet(state, d.rows.slice(row, (row += size))) };
  } while (ev < d.events.length || (!d.netFree && row < d.rows.length));
}
