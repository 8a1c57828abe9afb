import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TrackedTable } from '../../src/index';
import { DRAFT_FORMAT, type DraftRecord } from '../../src/drafts/draft-record';
import { draftBase, encodePending, storeFingerprint } from '../../src/drafts/encode-draft';
import { checkDraft, restorePending } from '../../src/drafts/restore-draft';
import { replayChanges } from '../../src/table/replay-changes';
import { rowChanges } from '../../src/table/row-changes';
import { compositeEdit, edit, fresh, freshComposite, pendingOf, run, seen } from './draft-fixtures';

/**
 * A draft saved and read back (structuredClone is what IndexedDB does to a value) must give the
 * table it was saved from: the same rows, pending changes, plan and undo and redo history, and
 * the same results for whatever is done next. The model is the table itself, kept open.
 */

function save(t: TrackedTable): DraftRecord {
  const draft: DraftRecord = {
    format: DRAFT_FORMAT,
    table: t.name,
    owner: 'tab',
    savedAt: 1,
    base: draftBase(t.state, 7, storeFingerprint(t.state.store)),
    changes: 0,
    pending: encodePending(t.state),
    net: rowChanges(t.state),
  };
  // What IndexedDB does to a value it stores.
  const saved = structuredClone(draft);
  checkDraft(saved);
  return saved;
}

/** The table read again in the same slots, with the draft's pending state and history. */
function reopen(t: TrackedTable, open = fresh): TrackedTable {
  const saved = save(t);
  const copy = open();
  expect(saved.base.fingerprint).toBe(storeFingerprint(copy.state.store));
  copy.adopt(restorePending(saved, copy.info, copy.state.store, false));
  return copy;
}

/** The table read again after its rows moved on: the net changes rebased, as refresh() does. */
function rebased(t: TrackedTable, open = fresh): TrackedTable {
  const saved = save(t);
  const copy = open();
  expect(replayChanges(copy.state, saved.net)).toEqual([]);
  return copy;
}

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 60);

describe('a draft read back', () => {
  test.each([
    { shape: 'one-column key', open: fresh, edits: edit, share: 1 },
    { shape: 'two-column key', open: freshComposite, edits: compositeEdit, share: 0.5 },
  ])(
    'gives the table it was saved from, and the same results for what is done next ($shape)',
    ({ open, edits, share }) => {
      fc.assert(
        fc.property(
          fc.array(edits, { maxLength: 25 }),
          fc.array(edits, { maxLength: 12 }),
          (before, after) => {
            const model = open();
            for (const [, e] of before) run(model, e);
            const restored = reopen(model, open);
            expect(seen(restored)).toEqual(seen(model));
            const again = rebased(model, open);
            expect(pendingOf(again)).toEqual(pendingOf(model));
            // Undo and redo reach back past the save; new edits behave alike.
            for (const [, e] of after) expect(run(restored, e)).toBe(run(model, e));
            expect(seen(restored, false)).toEqual(seen(model, false));
            while (model.undo()) expect(restored.undo()).toBe(true);
            expect(restored.canUndo).toBe(false);
            expect(seen(restored, false)).toEqual(seen(model, false));
          },
        ),
        { numRuns: Math.max(1, Math.round(RUNS * share)) },
      );
    },
  );

  test('keeps NULL, -0, BigInt past 2^53, bytes and dates exactly', () => {
    const t = fresh();
    t.set(1, 's', 'moved')
      .set(1, 'r', -0)
      .set(2, 'big', -(2n ** 63n))
      .set(3, 'blob', new Uint8Array([0, 7]));
    t.set(4, 'd', new Date(-62135596800000)).set(5, 'n', null);
    t.insert({ id: 9, r: -0, big: 2n ** 63n - 1n });
    const r = reopen(t);
    // The table keeps -0 as SQLite does (a REAL zero); the draft keeps whatever the table holds.
    expect(Object.is(r.get(1, 'r'), t.get(1, 'r'))).toBe(true);
    expect(r.get(2, 'big')).toBe(-(2n ** 63n));
    expect(r.get(3, 'blob')).toEqual(new Uint8Array([0, 7]));
    expect((r.get(4, 'd') as Date).getTime()).toBe(-62135596800000);
    expect(r.get(5, 'n')).toBeNull();
    expect(Object.is(r.get(9, 'r'), t.get(9, 'r'))).toBe(true);
    expect(r.get(9, 'big')).toBe(2n ** 63n - 1n);
    expect(r.operations()).toEqual(t.operations());
  });
});
