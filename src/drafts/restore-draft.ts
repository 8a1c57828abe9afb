import { PandalchemyError } from '../errors/pandalchemy-error';
import { CellOperation } from '../table/cell-operation';
import type { ColumnState } from '../table/column-state';
import { diffTable } from '../table/diff-table';
import { UNSET, type Mutation, type Slot } from '../table/mutations';
import { Operation, type LoggedOperation } from '../table/operation-log';
import { TableState } from '../table/table-state';
import type { CellValue } from '../values/sql-value';
import type { TableInfo } from '../schema/table-info';
import type { RowStore } from '../table/row-store';
import {
  READ_FORMATS,
  type DraftRecord,
  type MutationRecord,
  type OperationRecord,
} from './draft-record';
import { MUTATION_CLASSES } from './encode-draft';

export function invalid(what: string): PandalchemyError {
  return new PandalchemyError('draft_invalid', `The saved draft is not readable: ${what}.`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function decodeSlot(v: unknown): Slot {
  if (isObject(v) && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    if (v['pandalchemyUnset'] === true) return UNSET;
    throw invalid('a saved value is neither a value nor a default');
  }
  return v as CellValue;
}

function isColumn(v: unknown): v is ColumnState {
  return isObject(v) && typeof v['name'] === 'string' && v['cells'] instanceof Map;
}

function decodeMutation(rec: MutationRecord): Mutation {
  if (!isObject(rec) || !isObject(rec.f) || !Object.hasOwn(MUTATION_CLASSES, rec.t))
    throw invalid('an edit of unknown kind');
  const cls = MUTATION_CLASSES[rec.t as keyof typeof MUTATION_CLASSES];
  const fields: Record<string, unknown> = { ...rec.f };
  if ('column' in fields && !isColumn(fields['column'])) throw invalid('an edit lost its column');
  if (rec.t === 'cell') {
    fields['prev'] = decodeSlot(fields['prev']);
    fields['next'] = decodeSlot(fields['next']);
  }
  if (rec.t === 'retype') {
    for (const k of ['prev', 'next']) {
      const snap = fields[k];
      if (!isObject(snap) || !(snap['insertedValues'] instanceof Map))
        throw invalid('a type change lost its values');
      const values = new Map<number, Slot>();
      for (const [row, v] of snap['insertedValues'] as Map<number, unknown>)
        values.set(row, decodeSlot(v));
      fields[k] = { ...snap, insertedValues: values };
    }
  }
  // The fields are the instance's own (constructor parameters): the class's methods need no more.
  return Object.assign(Object.create(cls.prototype) as Mutation, fields);
}

function decodeOperation(rec: OperationRecord): LoggedOperation {
  if (!isObject(rec) || typeof rec.at !== 'number') throw invalid('an edit is malformed');
  if (rec.t === 'cell') {
    if (!isColumn(rec.column) || typeof rec.row !== 'number')
      throw invalid('a cell edit lost its cell');
    return new CellOperation(
      rec.row,
      rec.column,
      decodeSlot(rec.prev),
      decodeSlot(rec.next),
      rec.key,
      String(rec.columnName),
      rec.at,
    );
  }
  if (rec.t === 'op' && Array.isArray(rec.mutations)) {
    const description = String(rec.description);
    const op = new Operation(rec.kind, () => description, rec.at);
    op.mutations = rec.mutations.map(decodeMutation);
    return op;
  }
  throw invalid('an edit is malformed');
}

/**
 * Checks what a draft says of itself before anything is taken from it: its version, and that its
 * parts are of the right shape. Throws `draft_invalid`.
 */
export function checkDraft(draft: DraftRecord): void {
  if (!isObject(draft)) throw invalid('it is not a draft');
  if (!READ_FORMATS.includes(draft.format))
    throw invalid(
      `it is of format ${String(draft.format)}, this version reads ${READ_FORMATS.join(' and ')}`,
    );
  const b = draft.base;
  if (!isObject(b) || typeof b.seq !== 'number' || typeof b.fingerprint !== 'number')
    throw invalid('it does not say what it was made over');
  const n = draft.net;
  if (
    !isObject(n) ||
    !Array.isArray(n.schema) ||
    !Array.isArray(n.inserts) ||
    !Array.isArray(n.updates) ||
    !Array.isArray(n.deletes)
  )
    throw invalid('its changes are malformed');
}

/**
 * A table's state as a draft saved it, over `store` (the rows read again, in the slots the draft
 * was made over): the pending edits with the undo and redo history. Throws `draft_invalid` when
 * the saved state does not hold together (a corrupt or foreign value).
 */
export function restorePending(
  draft: DraftRecord,
  info: TableInfo,
  store: RowStore,
  rowid: boolean,
  /** False: the caller checks that the diff is computable (`diffTableSliced`) itself. */
  check = true,
): TableState {
  const p = draft.pending;
  if (
    !isObject(p) ||
    !Array.isArray(p.columns) ||
    !p.columns.every(isColumn) ||
    !Array.isArray(p.droppedColumns) ||
    !p.droppedColumns.every(isColumn) ||
    !Array.isArray(p.deleted) ||
    !Array.isArray(p.inserted) ||
    !Array.isArray(p.indexEdits) ||
    !Array.isArray(p.done) ||
    !Array.isArray(p.undone)
  )
    throw invalid('its pending edits are malformed');
  const state = new TableState(info, store, rowid);
  state.adoptPending({
    ...p,
    done: p.done.map(decodeOperation),
    undone: p.undone.map(decodeOperation),
  });
  // What a push would do must be computable: a draft that cannot say it is of no use.
  if (check) diffTable(state);
  return state;
}
