import { deleteDatabase, openDatabase } from '../../src/index';
import { caseResult, median, settleHeap, type BenchCase, type BenchParams } from '../bench-case';
import { benchFile, benchName } from '../engine-fixture';

/**
 * Single-cell edits with drafts on, amortised with the saves they cost: each run makes `edits`
 * scattered edits and then saves (`db.drafts.flush()`, what the timer does once the editing
 * pauses), the pending edits of earlier runs still there, as in a long session without a push.
 * Baseline: the edits alone (the edit path has nothing added; the save is after it). The save of
 * the stored rows, once per push or refresh, is timed apart (`baseSaveMs`).
 */
export const draftEdits: BenchCase = {
  name: 'single-cell edit with drafts on (amortized, saves included)',
  async run(p: BenchParams) {
    const name = benchName('drafts');
    const db = await openDatabase(name);
    await db.import(await benchFile(p.rows));
    const t = await db.table('bench');
    let k = 0;
    const edit = (): void => {
      for (let i = 0; i < p.edits; i++, k++) {
        const id = ((k * 7919) % p.rows) + 1;
        if (k & 1) t.set(id, 'qty', -k);
        else t.set(id, 'name', `edited ${k}`);
      }
    };
    t.set(1, 'qty', -1);
    const b0 = performance.now();
    await db.drafts.flush();
    const baseSaveMs = performance.now() - b0;
    const total: number[] = [];
    const edits: number[] = [];
    const saves: number[] = [];
    settleHeap();
    for (let r = -1; r < p.runs; r++) {
      const t0 = performance.now();
      edit();
      const t1 = performance.now();
      await db.drafts.flush();
      const t2 = performance.now();
      if (r < 0) continue;
      edits.push(((t1 - t0) * 1000) / p.edits);
      saves.push(t2 - t1);
      total.push(((t2 - t0) * 1000) / p.edits);
    }
    const pending = t.operations().length;
    const status = db.drafts.status()[0];
    t.discard();
    await db.close();
    await deleteDatabase(name);
    return caseResult({
      name: this.name,
      unit: 'us',
      runs: total,
      baseline: { name: 'the edits alone', runs: edits },
      target: '<= 1 us per edit',
      met: (m) => m <= 1,
      notes: {
        baseSaveMs: Math.round(baseSaveMs),
        saveMsMedian: Math.round(median(saves)),
        pendingOperationsAtEnd: pending,
        savedAtEnd: status?.saved === true ? 'yes' : 'no',
      },
    });
  },
};
