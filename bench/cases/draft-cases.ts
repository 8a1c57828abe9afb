import { deleteDatabase, openDatabase } from '../../src/index';
import {
  caseResult,
  median,
  settleHeap,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { benchFile, benchName } from '../engine-fixture';
import { withLongestTask } from '../long-tasks';

/** Pending operations before each level's runs, in tenths of `--edits` (1k, 20k, 60k). */
const LEVELS = [1, 20, 60];

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Single-cell edits with drafts on: the edit itself (issue 20 asks that it stay <= 1 us, the
 * saving batched off its path), and amortised with the saves it costs, at 1k, 20k and 60k
 * pending operations (`--edits` 10,000; tenths of it otherwise). Each run starts from a table
 * holding that many pending single-cell edits, their draft saved (untimed: a discard, the edits,
 * a save of the whole draft), then makes `--edits` more scattered edits and saves them
 * (`db.drafts.flush()`, what the timer does once the editing pauses). Baseline: the same edits
 * alone. Besides the wall time, the page's own work: the edits and what the save did on the main
 * thread (`lastSaveBusyMs`: working out the delta, making and handing over each record, not the
 * waits for IndexedDB between them). And the longest main-thread task of the save (it runs in a
 * task of its own, as the timer's does), from the Long Tasks API. And the edits alone against
 * the same edits on the same table opened with drafts off, each run of one next to a run of the
 * other, the drafts-off run before the whole save in one run and after it in the next (nothing
 * of the drafts runs on the edit path: this keeps that checked).
 */
export const draftEdits: BenchCase = {
  name: 'single-cell edit with drafts on',
  async run(p: BenchParams) {
    const name = benchName('drafts');
    const db = await openDatabase(name);
    await db.import(await benchFile(p.rows));
    const t = await db.table('bench');
    const offName = benchName('drafts-off');
    const off = await openDatabase(offName, { drafts: false });
    await off.import(await benchFile(p.rows));
    const tOff = await off.table('bench');
    const perRun = p.edits;
    let k = 0;
    const editOn = (table: typeof t, n: number): void => {
      for (let i = 0; i < n; i++, k++) {
        const id = ((k * 7919) % p.rows) + 1;
        if (k & 1) table.set(id, 'qty', -k);
        else table.set(id, 'name', `edited ${k}`);
      }
    };
    const edit = (n: number): void => editOn(t, n);
    const out: CaseResult[] = [];
    for (const tenths of LEVELS) {
      const level = Math.round((p.edits / 10) * tenths);
      const total: number[] = [];
      const edits: number[] = [];
      const saves: number[] = [];
      const longest: number[] = [];
      const busy: number[] = [];
      const wholeMs: number[] = [];
      const wholeLongest: number[] = [];
      const offEdits: number[] = [];
      // Once per level, not before each timed region: a forced collection right before the edits
      // leaves the young generation at its smallest, and 10,000 edits then ran 3.5x slower than
      // in a page that did not just collect (0.93 against 0.26 us). An app never does that; the
      // garbage of the work between runs (the whole save, the level's edits) is collected
      // whenever the collector chooses, as in an app, and billed to whatever runs then.
      settleHeap();
      // Three times the runs of other cases: the edits with and without drafts are two close
      // medians (one run of five gave 1.38x at 20k, the one before 1.13x).
      for (let r = -1; r < p.runs * 3; r++) {
        // The same edits from the same pending state, drafts off (k as the drafts run has it).
        // Every other run makes them after the drafts side's whole save rather than before it:
        // that save's garbage is collected during whichever edits come next, and would
        // otherwise always be billed to the drafts side.
        const k0 = k;
        let o0 = 0;
        let o1 = 0;
        const offRun = (): void => {
          k = k0;
          tOff.discard();
          editOn(tOff, level);
          o0 = performance.now();
          editOn(tOff, perRun);
          o1 = performance.now();
          tOff.discard();
        };
        if (r % 2 === 0) offRun();
        k = k0;
        t.discard();
        await db.drafts.flush();
        edit(level);
        await pause();
        const w0 = performance.now();
        const whole = await withLongestTask(() => db.drafts.flush());
        const w1 = performance.now();
        if (r % 2 !== 0) {
          const kOn = k;
          offRun();
          k = kOn;
        }
        const t0 = performance.now();
        edit(perRun);
        const t1 = performance.now();
        await pause();
        const t2 = performance.now();
        const save = await withLongestTask(() => db.drafts.flush());
        const t3 = performance.now();
        if (r < 0) continue;
        offEdits.push(((o1 - o0) * 1000) / perRun);
        wholeMs.push(w1 - w0);
        wholeLongest.push(whole.longest ?? Number.NaN);
        edits.push(((t1 - t0) * 1000) / perRun);
        saves.push(t3 - t2);
        total.push(((t1 - t0 + (t3 - t2)) * 1000) / perRun);
        longest.push(save.longest ?? Number.NaN);
        busy.push(((t1 - t0 + db.drafts.lastSaveBusyMs) * 1000) / perRun);
      }
      const status = db.drafts.status()[0];
      const at = `${level.toLocaleString('en')} pending operations`;
      out.push(
        caseResult({
          name: `${this.name}, amortized with its saves, ${at}`,
          unit: 'us',
          runs: total,
          baseline: { name: 'the edits alone', runs: edits },
          target: '<= 1 us per edit',
          met: (m) => m <= 1,
          notes: {
            editsPerSave: perRun,
            saveMsMedian: Number(median(saves).toFixed(2)),
            wholeSaveMsMedian: Math.round(median(wholeMs)),
            wholeSaveLongestTaskMsMedian: Math.round(median(wholeLongest)),
            savedAtEnd: status?.saved === true ? 'yes' : 'no',
          },
        }),
        caseResult({
          name: `${this.name}, amortized with its saves: the page's work only (not IndexedDB's), ${at}`,
          unit: 'us',
          runs: busy,
          baseline: { name: 'the edits alone', runs: edits },
          target: '<= 1 us per edit',
          met: (m) => m <= 1,
        }),
        caseResult({
          // Issue 20's reading: the edit stays <= 1 us with drafts on, saving batched off its path.
          name: `${this.name}: the edit itself (saves off its path), ${at}`,
          unit: 'us',
          runs: edits,
          target: '<= 1 us per edit',
          met: (m) => m <= 1,
        }),
        caseResult({
          name: `${this.name}: the edit itself, against drafts off, ${at}`,
          unit: 'us',
          runs: edits,
          baseline: { name: 'the same edits with drafts off', runs: offEdits },
          target: '<= 1.2x drafts off',
          met: (m, b) => b !== null && m <= 1.2 * b,
        }),
        caseResult({
          name: `${this.name}: longest main-thread task of a save, ${at}`,
          unit: 'ms',
          runs: longest,
          target: '<= 50 ms',
          met: (m) => m <= 50,
        }),
      );
    }
    t.discard();
    await db.close();
    await deleteDatabase(name);
    await off.close();
    await deleteDatabase(offName);
    return out;
  },
};

/**
 * A draft written whole, after the work that makes the next save a whole one: a whole-column
 * `assign()` of the 1M-row table (numbers, then text) and 60k pending single-cell edits (the
 * history of a table opened afresh). The save runs as the timer's does, in tasks of its own; what
 * is measured is its longest main-thread task (Long Tasks API; 0: none reached 50 ms), against
 * the bound for long work (200 ms), with the save's whole duration beside it.
 */
export const draftWholeSaves: BenchCase = {
  name: 'drafts on: a draft written whole',
  async run(p: BenchParams) {
    const name = benchName('drafts-whole');
    const db = await openDatabase(name);
    await db.import(await benchFile(p.rows));
    const t = await db.table('bench');
    const qty = Float64Array.from(t.table().array('qty') as ArrayLike<number>, (v) => v + 1);
    const names = Array.from(t.table().array('name') as ArrayLike<string>, (v) => `${v}!`);
    const edits = Math.round(p.edits * 6);
    const scenarios: [string, () => void][] = [
      ['after assign() of a numeric column of every row', () => t.assign('qty', qty)],
      ['after assign() of a text column of every row', () => t.assign('name', names)],
      [
        `after ${edits.toLocaleString('en')} single-cell edits (its first save)`,
        () => {
          for (let k = 0; k < edits; k++) {
            const id = ((k * 7919) % p.rows) + 1;
            if (k & 1) t.set(id, 'qty', -k);
            else t.set(id, 'name', `edited ${k}`);
          }
        },
      ],
    ];
    const out: CaseResult[] = [];
    settleHeap();
    for (const [label, change] of scenarios) {
      const longest: number[] = [];
      const ms: number[] = [];
      for (let r = -1; r < p.runs; r++) {
        t.discard();
        await db.drafts.flush();
        change();
        await pause();
        const save = await withLongestTask(() => db.drafts.flush());
        if (r < 0) continue;
        longest.push(save.longest ?? Number.NaN);
        ms.push(save.ms);
      }
      out.push(
        caseResult({
          name: `${this.name} ${label}: longest main-thread task`,
          unit: 'ms',
          runs: longest,
          target: '<= 200 ms',
          met: (m) => m <= 200,
          notes: { saveMsMedian: Math.round(median(ms)) },
        }),
      );
    }
    // Read back: the table loaded again with that draft (the text assign), in a new page's way.
    t.discard();
    t.assign('name', names);
    await db.drafts.flush();
    await db.close();
    const loads: number[] = [];
    const loadMs: number[] = [];
    for (let r = -1; r < p.runs; r++) {
      const again = await openDatabase(name);
      const load = await withLongestTask(() => again.table('bench'));
      const restored = (await again.table('bench')).changeCounts().updates;
      await again.close();
      if (restored !== p.rows) throw new Error(`restored ${restored} changed rows`);
      if (r < 0) continue;
      loads.push(load.longest ?? Number.NaN);
      loadMs.push(load.ms);
    }
    out.push(
      caseResult({
        name: `${this.name} after assign() of a text column of every row, read back by table() in a new session: longest main-thread task`,
        unit: 'ms',
        runs: loads,
        target: '<= 200 ms',
        met: (m) => m <= 200,
        notes: { tableMsMedian: Math.round(median(loadMs)) },
      }),
    );
    await deleteDatabase(name);
    return out;
  },
};
