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
import type { CellValue, RowObject } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { DeltaMutation, DeltaOperation, DeltaRecord, DraftRecord } from './draft-record';
import { decodeSlot, invalid, restorePending } from './restore-draft';
import { decodeNet } from './delta-net';
import { cellLists } from './packed-cells';
import { diffTable } from '../table/diff-table';
import type { TableInfo } from '../schema/table-info';
import type { RowStore } from '../table/row-store';
import { setField } from '../values/set-field';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Checks a delta's shape before anything is taken from it. Throws `draft_invalid`. */
export function checkDelta(rec: DeltaRecord): void {
  if (!isObject(rec) || !isObject(rec.cells)) throw invalid('an appended save is malformed');
  const c = cellLists(rec.cells);
  if (
    rec.delta !== true ||
    typeof rec.events !== 'string' ||
    !(c.rows instanceof Int32Array) ||
    !(c.columns instanceof Int32Array) ||
    !(c.at instanceof Float64Array) ||
    ![c.prev, c.next, c.keys].every((a) => Array.isArray(a) && a.length === c.rows.length) ||
    c.columns.length !== c.rows.length ||
    c.at.length !== c.rows.length ||
    !Array.isArray(rec.ops) ||
    typeof rec.nextSeq !== 'number' ||
    typeof rec.nextColumnId !== 'number' ||
    (rec.net !== undefined && !isObject(rec.net))
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
  const c = cellLists(rec.cells);
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
 * named by a delta replaced by its change there, the last delta's last; a delta without net
 * changes (only single-cell edits, see `derivable` in encode-delta.ts) changes its rows' as its
 * edits did, one after another.
 */
export function mergedNet(base: DraftRecord, deltas: readonly DeltaRecord[]): TableChanges {
  if (deltas.length === 0) return base.net;
  const rows = base.netRows;
  if (!rows) throw invalid('its base does not name the rows of its changes');
  const byRow = new Map<number, RowChange | null>();
  rows.deletes.forEach((r, i) => byRow.set(r, base.net.deletes[i]!));
  rows.updates.forEach((r, i) => byRow.set(r, base.net.updates[i]!));
  rows.inserts.forEach((r, i) => byRow.set(r, base.net.inserts[i]!));
  let derive: NetDeriver | null = null;
  for (const d of deltas) {
    if (d.net !== undefined) for (const [r, c] of decodeNet(d.net)) byRow.set(r, c);
    else (derive ??= new NetDeriver(base, byRow)).apply(d);
  }
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

function pick(values: RowObject, names: readonly string[]): RowObject {
  const out: RowObject = {};
  for (const n of names) setField(out, n, values[n]);
  return out;
}

/** A row's update as the deriver changes it (its own copy, never a record's object). */
interface OwnUpdate {
  type: 'update';
  key: readonly CellValue[];
  columns: string[];
  oldValues: RowObject;
  newValues: RowObject;
}

/**
 * Works out the net change of rows from single-cell edits of stored rows, as `rowChanges` would
 * report it: a column is in a row's update while its value differs from the stored one, which is
 * the previous value of the edit that first moved it (the encoder made sure of that), with the
 * row's stored key as the edit named it. The columns stay in the table's order.
 */
class NetDeriver {
  readonly #byRow: Map<number, RowChange | null>;
  readonly #own = new Set<RowChange>();
  readonly #names = new Map<number, string>();
  readonly #order = new Map<string, number>();

  constructor(base: DraftRecord, byRow: Map<number, RowChange | null>) {
    this.#byRow = byRow;
    // Deltas without net changes follow no schema change: the base's live columns are the
    // table's (a rename or retype since makes the draft be written whole).
    const cols =
      isObject(base.pending) && Array.isArray(base.pending.columns) ? base.pending.columns : [];
    (cols as readonly unknown[]).forEach((c, i) => {
      if (!isObject(c) || typeof c['id'] !== 'number' || typeof c['name'] !== 'string') return;
      this.#names.set(c['id'], c['name']);
      this.#order.set(c['name'], i);
    });
  }

  apply(d: DeltaRecord): void {
    const c = cellLists(d.cells);
    if (d.ops.length !== 0 || d.events.length !== c.rows.length || /[^t]/.test(d.events))
      throw invalid('an appended save without net changes holds more than cell edits');
    for (let i = 0; i < c.rows.length; i++) {
      const name = this.#names.get(c.columns[i]!);
      if (name === undefined)
        throw invalid('an appended edit names a column the table does not have');
      const row = c.rows[i]!;
      const prev = decodeSlot(c.prev[i]);
      const next = decodeSlot(c.next[i]);
      if (row < 0 || typeof prev === 'symbol' || typeof next === 'symbol')
        throw invalid('an appended edit without net changes is not of a stored cell');
      this.#set(row, name, prev, next, c.keys[i]);
    }
  }

  #set(row: number, name: string, prev: CellValue, next: CellValue, key: unknown): void {
    const now = this.#byRow.get(row) ?? null;
    if (now === null) {
      if (valuesEqual(next, prev)) return;
      const change: OwnUpdate = {
        type: 'update',
        key: Array.isArray(key) ? [...(key as CellValue[])] : [key as CellValue],
        columns: [name],
        oldValues: { [name]: prev },
        newValues: { [name]: next },
      };
      this.#own.add(change);
      this.#byRow.set(row, change);
      return;
    }
    if (now.type !== 'update' || now.newKey !== undefined || !isObject(now.newValues))
      throw invalid('an appended edit without net changes changes a row that is not only updated');
    const u = this.#mine(row, now);
    if (Object.hasOwn(u.newValues, name)) {
      if (!valuesEqual(next, u.oldValues[name])) return void (u.newValues[name] = next);
      u.columns.splice(u.columns.indexOf(name), 1);
      u.oldValues = pick(u.oldValues, u.columns);
      u.newValues = pick(u.newValues, u.columns);
      if (u.columns.length === 0) this.#byRow.set(row, null);
      return;
    }
    if (valuesEqual(next, prev)) return;
    const at = this.#order.get(name) ?? Infinity;
    let k = 0;
    while (k < u.columns.length && (this.#order.get(u.columns[k]!) ?? Infinity) <= at) k++;
    u.columns.splice(k, 0, name);
    u.oldValues[name] = prev;
    u.newValues[name] = next;
  }

  #mine(row: number, c: RowChange): OwnUpdate {
    if (this.#own.has(c)) return c as OwnUpdate;
    const copy: OwnUpdate = {
      type: 'update',
      key: c.key,
      columns: [...c.columns],
      oldValues: { ...c.oldValues },
      newValues: { ...c.newValues },
    };
    this.#own.add(copy);
    this.#byRow.set(row, copy);
    return copy;
  }
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
  /** False: the caller checks that the diff is computable (`diffTableSliced`) itself. */
  check = true,
): TableState {
  const state = restorePending(base, info, store, rowid, false);
  for (const d of deltas) replayDelta(state, d);
  // What a push would do must be computable: a draft that cannot say it is of no use.
  if (check) diffTable(state);
  return state;
}
