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
import type {
  BaseRecord,
  MutationRecord,
  OperationRecord,
  PendingRecord,
  UnsetMark,
} from './draft-record';
import { DRAFT_FORMAT } from './draft-record';

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
    const { key, columnName } = op.named;
    return {
      t: 'cell',
      at: op.at,
      row: op.row,
      column: op.column,
      prev: encodeSlot(op.prev),
      next: encodeSlot(op.next),
      key,
      columnName,
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
  const parts = state.pendingParts();
  return {
    ...parts,
    done: parts.done.map(encodeOperation),
    undone: parts.undone.map(encodeOperation),
  };
}

/** The stored rows under the pending edits, as a draft's base. */
export function encodeBase(state: TableState, id: string, seq: number): BaseRecord {
  const store = state.store;
  const dead: number[] = [];
  if (store.hasDead) for (let r = 0; r < store.length; r++) if (store.isDead(r)) dead.push(r);
  return {
    format: DRAFT_FORMAT,
    id,
    seq,
    info: state.info,
    rowid: state.rowidColumn,
    names: store.names,
    kinds: store.kinds,
    keyColumns: store.keyColumns,
    columns: store.names.map((_, c) => store.raw(c)),
    length: store.length,
    dead,
  };
}
