import { pendingChanges } from '../table/collect-changes';
import type { TableState } from '../table/table-state';
import type { DeltaRecord } from './draft-record';
import { encodeNet } from './delta-net';
import { PART } from './encode-delta';
import { SaveSuperseded } from './save-superseded';

const NO_CELLS = {
  rows: new Int32Array(0),
  columns: new Int32Array(0),
  at: new Float64Array(0),
  prev: [],
  next: [],
  keys: [],
} as const;

/**
 * The net changes of a draft written whole, as records that follow its base: `size` changed rows
 * at a time (deletes, key changes, updates, inserts), each record a delta with no events whose
 * net change replaces that of its rows (see `mergedNet`). Written in the base's transaction,
 * a record at a time with the page running between slices: after a whole-column `assign()` of a
 * million rows, one base record holding every row's change as an object took a single task of
 * 4.4-4.9 s (its making and IndexedDB's clone), where these records are each a short one.
 *
 * A record's changes are its rows' as they are when it is made; edits made meanwhile are in the
 * next save, whose records come after and win. Throws {@link SaveSuperseded} when the stored rows
 * change before the last record is made.
 */
export function* wholeNetParts(state: TableState, size = PART): Generator<DeltaRecord> {
  const store = state.store;
  const revision = store.revision;
  const changes = pendingChanges(state);
  const lists = [
    changes.deletes,
    changes.rekeys,
    ...changes.updates.map((g) => g.rows),
    ...changes.inserts.map((g) => g.rows),
  ];
  let rows: number[] = [];
  const part = (): DeltaRecord => {
    if (state.store !== store || store.revision !== revision) throw new SaveSuperseded();
    const record: DeltaRecord = {
      delta: true,
      events: '',
      cells: NO_CELLS,
      ops: [],
      ...state.draftCounters(),
      net: encodeNet(state, rows),
    };
    rows = [];
    return record;
  };
  for (const list of lists) {
    for (const row of list) {
      rows.push(row);
      if (rows.length === size) yield part();
    }
  }
  if (rows.length > 0) yield part();
}
