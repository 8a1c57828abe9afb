import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TrackedTable } from '../../src/index';
import type { DeltaRecord, DraftRecord } from '../../src/drafts/draft-record';
import { deltaParts, savedPoint } from '../../src/drafts/encode-delta';
import { draftBase, storeFingerprint } from '../../src/drafts/encode-draft';
import { planSave, type DraftProgress } from '../../src/drafts/plan-save';
import { checkDelta, mergedNet, restoreRecords } from '../../src/drafts/replay-delta';
import { checkDraft } from '../../src/drafts/restore-draft';
import { replayChanges } from '../../src/table/rebase';
import {
  compositeEdit,
  edit,
  fresh,
  freshComposite,
  pendingOf,
  run,
  seen,
  type Edit,
} from './draft-fixtures';

/**
 * A draft saved as a base and the deltas of the saves after it (what happened to the history
 * since the save before), read back: the table it was saved from, history and all, whatever the
 * edits, undo and redo between the saves (undo after a save is the class this guards), however
 * often it is reopened and saved again from the reopened table. The model is a table kept open
 * that takes the same edits.
 */

interface Stored {
  base: DraftRecord;
  deltas: DeltaRecord[];
}

/** One save of `t`'s draft, as the drafts do it, its records as IndexedDB gives them back. */
function save(
  t: TrackedTable,
  progress: DraftProgress | null,
  stored: Stored | null,
  partSize = 4,
) {
  const plan = planSave(
    progress,
    t.state,
    {
      table: t.name,
      owner: 'tab',
      savedAt: 1,
      base: draftBase(t.state, 7, storeFingerprint(t.state.store)),
      changes: 0,
    },
    partSize,
  );
  let next = stored;
  if (plan.whole) next = { base: structuredClone(plan.whole), deltas: [] };
  else if (plan.delta) {
    // Parts of a few events: a save of several records is the common case here.
    for (const part of deltaParts(plan.delta, t.state, partSize))
      next!.deltas.push(structuredClone(part));
  }
  expect(next!.deltas.length + 1).toBe(plan.head.records);
  return { progress: plan.progress, stored: next!, whole: plan.whole !== null };
}

/** The table read again in the same slots, from the draft's records. */
function reopen(stored: Stored, open: () => TrackedTable): TrackedTable {
  checkDraft(stored.base);
  stored.deltas.forEach(checkDelta);
  const copy = open();
  copy.adopt(
    restoreRecords(stored.base, stored.deltas, copy.info, copy.state.store, copy.state.rowidColumn),
  );
  return copy;
}

/** What a user sees, with when each operation was made (the draft keeps it). */
function view(t: TrackedTable): unknown {
  return { seen: seen(t, false), at: t.operations().map((o) => o.at) };
}

type Step = ['edit', string, Edit] | ['save'] | ['reopen'];

/** Steps of edits (mostly of rows), saves and reopens. */
function stepsOf(edits: fc.Arbitrary<[string, Edit]>): fc.Arbitrary<Step> {
  const rowEdit = edits.filter(([label]) =>
    /^(set|insert|delete|rekey|swap|undo|redo|updateWhere|deleteWhere)/.test(label),
  );
  return fc.oneof(
    { arbitrary: rowEdit.map(([l, e]): Step => ['edit', l, e]), weight: 6 },
    { arbitrary: edits.map(([l, e]): Step => ['edit', l, e]), weight: 1 },
    { arbitrary: fc.constant<Step>(['save']), weight: 3 },
    { arbitrary: fc.constant<Step>(['reopen']), weight: 1 },
  );
}

/** The table shapes: a one-column key, and a two-column key (kept as arrays). */
const SHAPES = [
  { shape: 'one-column key', open: fresh, edits: edit, share: 1 },
  { shape: 'two-column key', open: freshComposite, edits: compositeEdit, share: 0.5 },
];

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 60);

describe('a draft saved as deltas', () => {
  test.each(SHAPES)(
    'reads back as the table it was saved from, across undo, redo, saves and reopens ($shape)',
    ({ open, edits, share }) => {
      const runs = Math.max(1, Math.round(RUNS * share));
      let deltas = 0;
      fc.assert(
        fc.property(fc.array(stepsOf(edits), { maxLength: 50 }), (steps) => {
          const model = open();
          let t = open();
          let progress: DraftProgress | null = null;
          let stored: Stored | null = null;
          const saveNow = (): void => {
            const s = save(t, progress, stored);
            ({ progress, stored } = s);
            if (!s.whole) deltas++;
          };
          const check = (): void => {
            saveNow();
            const again = reopen(stored!, open);
            expect(view(again)).toEqual(view(t));
            expect(seen(again, false)).toEqual(seen(model, false));
            // The net changes as the records give them: what is rebased when the rows moved on.
            const rebased = open();
            expect(replayChanges(rebased.state, mergedNet(stored!.base, stored!.deltas))).toEqual(
              [],
            );
            expect(pendingOf(rebased)).toEqual(pendingOf(model));
            // Saving goes on from the reopened table, as after a reload.
            t = again;
            progress = { ...progress!, point: savedPoint(t.state) };
          };
          for (const s of steps) {
            if (s[0] === 'edit') expect(run(t, s[2])).toBe(run(model, s[2]));
            else if (s[0] === 'save') saveNow();
            else check();
          }
          check();
          // Undo reaches back past every save and reopen.
          while (model.undo()) expect(t.undo()).toBe(true);
          expect(t.canUndo).toBe(false);
          expect(seen(t, false)).toEqual(seen(model, false));
        }),
        { numRuns: runs },
      );
      // The property is about deltas: most saves must have been ones.
      expect(deltas).toBeGreaterThan(runs);
    },
  );

  test('that do not hold together are refused as draft_invalid, never half taken', () => {
    const t = fresh();
    t.set(1, 'n', 5);
    let { progress, stored } = save(t, null, null);
    t.set(2, 'n', 6);
    t.undo();
    t.undo();
    ({ progress, stored } = save(t, progress, stored, 100));
    void progress;
    const delta = stored.deltas[0]!;
    // The new edit (kept for redo) and two steps back: one of them past the save.
    expect(delta.events).toBe('tuu');
    const cells = (change: Record<string, unknown>): unknown => ({
      ...delta,
      cells: { ...delta.cells, ...change },
    });
    const spoilt: unknown[] = [
      { ...delta, events: ['t', 'u', 'u'] },
      { ...delta, events: 'tuuu' },
      { ...delta, events: 'r' },
      { ...delta, events: 'tt' },
      { ...delta, events: 'o' },
      { ...delta, events: 'tux' },
      cells({ columns: Int32Array.of(999) }),
      cells({ rows: [1] }),
      cells({ prev: [] }),
      cells({ next: [{ no: 1 }] }),
      { ...delta, events: 'o', ops: [['o', 'set', 'd', 0, [['nothing', 1]]]] },
      { ...delta, net: { ...delta.net, kinds: Int8Array.of(9, 9) } },
      { ...delta, net: { ...delta.net, kinds: Int8Array.of(2, 2) } },
    ];
    for (const [i, d] of spoilt.entries()) {
      const copy = fresh();
      expect(() => {
        checkDelta(d as DeltaRecord);
        restoreRecords(stored.base, [d as DeltaRecord], copy.info, copy.state.store, false);
        mergedNet(stored.base, [d as DeltaRecord]);
      }, String(i)).toThrow(expect.objectContaining({ code: 'draft_invalid' }));
    }
  });
});
