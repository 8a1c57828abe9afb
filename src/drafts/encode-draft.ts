import { CellOperation } from '../table/cell-operation';
import { IndexEditMutation } from '../table/edits/index-edits';
import {
  AddColumnMutation,
  CellMutation,
  ColumnValuesMutation,
  DeleteMutation,
  DropColumnMutation,
  InsertMutation,
  RenameMutation,
  RestoreMutation,
  RetypeMutation,
  UNSET,
  type Mutation,
  type Slot,
  type TypeSnapshot,
} from '../table/mutations';
import { Operation, type LoggedOperation } from '../table/operation-log';
import type { TableState } from '../table/table-state';
import type { CellValue } from '../values/sql-value';
import { hashValue, hashValues } from '../values/key-hash';
import type { RowStore } from '../table/row-store';
import { pendingParts } from '../table/pending-parts';
import type {
  DraftBase,
  MutationRecord,
  OperationRecord,
  PendingRecord,
  UnsetMark,
} from './draft-record';

/** The mutation classes a draft saves, by the name it saves them under. */
export const MUTATION_CLASSES = {
  cell: CellMutation,
  columnValues: ColumnValuesMutation,
  delete: DeleteMutation,
  restore: RestoreMutation,
  insert: InsertMutation,
  addColumn: AddColumnMutation,
  dropColumn: DropColumnMutation,
  rename: RenameMutation,
  retype: RetypeMutation,
  index: IndexEditMutation,
} as const;

const UNSET_MARK: UnsetMark = { pandalchemyUnset: true };

export function encodeSlot(v: Slot): CellValue | UnsetMark {
  return v === UNSET ? UNSET_MARK : v;
}

function encodeType(s: TypeSnapshot): unknown {
  const insertedValues = new Map<number, CellValue | UnsetMark>();
  for (const [row, v] of s.insertedValues) insertedValues.set(row, encodeSlot(v));
  return { ...s, insertedValues };
}

function encodeMutation(m: Mutation): MutationRecord {
  for (const [t, cls] of Object.entries(MUTATION_CLASSES)) {
    if (!(m instanceof cls)) continue;
    const f: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) {
      f[k] = m instanceof RetypeMutation && k !== 'column' ? encodeType(v as TypeSnapshot) : v;
    }
    if (m instanceof CellMutation) {
      f['prev'] = encodeSlot(m.prev);
      f['next'] = encodeSlot(m.next);
    }
    return { t, f };
  }
  throw new Error(`A draft cannot save a ${m.constructor.name}.`);
}

function encodeOperation(op: LoggedOperation): OperationRecord {
  if (op instanceof CellOperation) {
    return {
      t: 'cell',
      at: op.at,
      row: op.row,
      column: op.column,
      prev: encodeSlot(op.prev),
      next: encodeSlot(op.next),
      key: op.key,
      columnName: op.columnName,
    };
  }
  if (op instanceof Operation) {
    return {
      t: 'op',
      at: op.at,
      kind: op.kind,
      description: op.description,
      mutations: op.mutations.map(encodeMutation),
    };
  }
  throw new Error('A draft cannot save this operation.');
}

/**
 * The pending state of a table as a draft saves it. The objects are the table's own: the caller
 * hands the record to IndexedDB at once, whose structured clone copies them before anything
 * else runs.
 */
export function encodePending(state: TableState): PendingRecord {
  const parts = pendingParts(state);
  return {
    ...parts,
    done: parts.done.map(encodeOperation),
    undone: parts.undone.map(encodeOperation),
  };
}

/**
 * A fingerprint of a store's slots: the hash of every slot's key in slot order (dead slots
 * marked). Equal for a table read again in the same slots (FNV-1a over the key hashes).
 */
export function storeFingerprint(store: RowStore): number {
  let h = 0x811c9dc5 ^ store.length;
  const keys = store.keyColumns;
  const one = keys.length === 1 ? store.raw(keys[0]!) : null;
  for (let r = 0; r < store.length; r++) {
    const k = store.isDead(r)
      ? 0x2545f491
      : one !== null
        ? hashValue(one[r] ?? null)
        : hashValues(store.keyOf(r));
    h = Math.imul(h ^ k, 0x01000193);
  }
  return h >>> 0;
}

/** What a draft's pending edits were made over. */
export function draftBase(state: TableState, seq: number, fingerprint: number): DraftBase {
  return { seq, info: state.info, length: state.store.length, fingerprint };
}
