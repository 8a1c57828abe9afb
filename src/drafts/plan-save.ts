import { schemaChanges } from '../table/row-changes';
import type { TableState } from '../table/table-state';
import {
  DRAFT_FORMAT,
  type DeltaRecord,
  type DraftBase,
  type DraftRecord,
  type HeadMeta,
} from './draft-record';
import { encodeDelta, savedPoint, type DeltaPlan, type SavedPoint } from './encode-delta';
import { encodePending } from './encode-draft';
import { wholeNetParts } from './whole-net';
import { arraySlices, BIG_ARRAY, takeOutArrays, type ArraySlice } from './big-arrays';

/**
 * A draft is written whole again once its deltas hold more events than this beyond twice the
 * history they make (undo and redo back and forth, operations undone and cut off by new ones),
 * so that a reopen never replays much more than the history; and past this many records.
 */
const CHURN_EVENTS = 1000;
const MAX_RECORDS = 10_000;

/** What a table's stored draft holds: the history as its records make it, how many records. */
export interface DraftProgress {
  /** Null: nothing stored that a delta could follow (the next save writes the draft whole). */
  readonly point: SavedPoint | null;
  readonly records: number;
  /** Events in the deltas after the base. */
  readonly events: number;
}

/** What a save is about: whose draft, over what, when. */
export interface SaveMeta {
  readonly table: string;
  readonly owner: string;
  readonly savedAt: number;
  readonly base: DraftBase;
  readonly changes: number;
}

/** A save to make: the head and either the whole draft or a delta (neither: nothing happened). */
export interface PlannedSave {
  readonly head: HeadMeta;
  /**
   * The draft's base, written whole, and the records of its net changes that follow it in the
   * same transaction (made as they are asked for: see `wholeNetParts`).
   */
  readonly whole: DraftRecord | null;
  readonly wholeParts: Iterable<ArraySlice | DeltaRecord> | null;
  /** The delta, made into records by `deltaParts` (its first is the draft's record `first`). */
  readonly delta: DeltaPlan | null;
  readonly first: number;
  /**
   * What the draft holds once the save is stored: its records are `first` plus those the delta
   * made (1 plus its net changes' when written whole; as before when nothing happened).
   */
  readonly progress: Omit<DraftProgress, 'records'>;
}

/**
 * The next save of a table's draft: a delta of what happened since `progress` when one can say
 * it (see `encodeDelta`) and the deltas do not hold too much more than the history (compaction);
 * else the draft whole. The whole record holds the table's objects as they are now: hand it to
 * IndexedDB at once (its structured clone copies them), nothing awaited in between.
 */
export function planSave(
  progress: DraftProgress | null,
  state: TableState,
  meta: SaveMeta,
  /** False: deltas carry their rows' net changes, as format 2 wrote them (tests read those). */
  derive = true,
  /** Arrays of values this long leave the base (tests make small tables show it). */
  bigArray = BIG_ARRAY,
): PlannedSave {
  const point = progress?.point ?? null;
  let delta = point ? encodeDelta(point, state, derive) : null;
  const now = delta?.point ?? savedPoint(state);
  if (
    delta &&
    (progress!.events + delta.events.length > 2 * now.length + CHURN_EVENTS ||
      progress!.records >= MAX_RECORDS)
  )
    delta = null;
  const first = delta ? progress!.records : 0;
  const events = delta ? progress!.events + delta.events.length : 0;
  const head: HeadMeta = { format: DRAFT_FORMAT, ...meta, events };
  const next = { point: now, events };
  if (delta) {
    // Nothing happened to the history (a version moved without an edit): nothing to append.
    return {
      head,
      whole: null,
      wholeParts: null,
      delta: delta.events.length ? delta : null,
      first,
      progress: next,
    };
  }
  // The net changes of the rows follow in records of their own: in this one, they would make it
  // one task as long as the table has changed rows (seconds after a million-row assign).
  // A whole column's values (or any long list of values) go in records after the base too: the
  // clone of a million strings in it was one task of 220-360 ms.
  const { value: pending, arrays } = takeOutArrays(encodePending(state), bigArray);
  const whole: DraftRecord = {
    format: DRAFT_FORMAT,
    ...meta,
    pending,
    net: { table: state.name, schema: schemaChanges(state), inserts: [], updates: [], deletes: [] },
    netRows: { deletes: [], updates: [], inserts: [] },
  };
  const wholeParts = (function* () {
    yield* arraySlices(arrays);
    yield* wholeNetParts(state);
  })();
  return { head, whole, wholeParts, delta: null, first, progress: next };
}
