import { sameSchema } from '../schema/same-schema';
import { diffTableSliced } from '../table/diff-table';
import { changesDropped } from '../table/dropped-edits';
import type { RebaseConflict } from '../table/rebase';
import { replayChanges } from '../table/replay-changes';
import type { TrackedTable } from '../table/tracked-table';
import { isArraySlice, putBackArrays, type ArraySlice } from './big-arrays';
import { checkHead } from './check-head';
import type { DeltaRecord, DraftChunk, DraftHead, DraftRecord } from './draft-record';
import { storeFingerprint } from './encode-draft';
import { checkDelta, mergedNet, restoreRecords } from './replay-delta';
import { checkDraft, invalid } from './restore-draft';

/**
 * Puts a saved draft back onto its table, just loaded at commit `seq` and not handed out yet.
 * Where the rows are as the draft saw them, slot for slot, the pending state comes back as saved,
 * history and all: returns null. Otherwise (others committed since, or the rows were read in
 * other slots) the draft's net changes are replayed over the rows as they are now, as `refresh()`
 * does, and the history starts again: returns the conflicts. A draft made on a table dropped since
 * keeps none of its edits and reports every one. Throws (`draft_invalid` or another error) when
 * the draft does not fit; the table may then hold part of it, and the caller puts it back.
 *
 * @example
 * ```ts
 * const conflicts = await restoreSaved(saved, table, seq, droppedSince);
 * ```
 */
export async function restoreSaved(
  saved: { readonly head: DraftHead; readonly chunks: readonly DraftChunk[] },
  table: TrackedTable,
  seq: number,
  droppedSince: (table: string, seq: number) => Promise<boolean>,
): Promise<RebaseConflict[] | null> {
  const fresh = table.state;
  const head = saved.head;
  checkHead(head, saved.chunks.length);
  const base = saved.chunks[0] as DraftRecord;
  // The runs of the base's big arrays come right after it (format 5), then the deltas.
  let n = 1;
  while (n < saved.chunks.length && isArraySlice(saved.chunks[n])) n++;
  const slices = saved.chunks.slice(1, n) as ArraySlice[];
  const deltas = saved.chunks.slice(n) as DeltaRecord[];
  checkDraft(base);
  deltas.forEach(checkDelta);
  const b = head.base;
  const same =
    b.seq === seq &&
    sameSchema(b.info, table.info) &&
    b.length === fresh.store.length &&
    b.fingerprint === storeFingerprint(fresh.store);
  if (!same) {
    const net = mergedNet(base, deltas);
    // Its rows are gone, even where a table of that name was created again.
    return (await droppedSince(table.name, b.seq))
      ? changesDropped({ ...net, table: table.name })
      : replayChanges(fresh, net);
  }
  putBackArrays(base.pending, slices);
  const state = restoreRecords(base, deltas, table.info, fresh.store, fresh.rowidColumn, false);
  // What a push would do must be computable (a draft that cannot say it is of no use), worked out
  // in slices: after a whole-column change of a million rows, at once, it made the restore one
  // task of 300-460 ms. The table is not handed out before it is restored, so nothing changes its
  // rows meanwhile.
  await diffTableSliced(state);
  if (table.state !== fresh) throw invalid('the table changed while its draft was read');
  table.adopt(state);
  return null;
}
