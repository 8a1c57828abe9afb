import { deleteDB } from 'idb';
import { EngineCore } from '../../src/engine/engine-core';
import { soleCoordinator } from '../../src/engine/storage';
import { openDatabase, type Database } from '../../src/index';
import { IdbStorage } from '../../src/persist/idb-storage';
import {
  caseResult,
  median,
  percentile,
  timePairs,
  settleHeap,
  type BenchCase,
  type BenchParams,
} from '../bench-case';
import { benchFile, benchName, loadSql, rowsForMegabytes, workerEngine } from '../engine-fixture';
import { scatteredRow } from '../key-shapes';
import { LIBRARY_DURABILITY } from '../library-durability';
import { updatePlan } from '../bench-plans';

const storageOf = (name: string): string => `pandalchemy:${name}`;

/**
 * Persisting a 1-row push (the redo record appended, committed with the product's durability)
 * against what a library without a log would do: `export()` of the whole database and one put of
 * it on an IndexedDB connection already open, committed with the same durability, both in the
 * same worker. Bytes written are what the browser's processes wrote to disk meanwhile.
 */
function persistenceCase(label: string, megabytes: (p: BenchParams) => number): BenchCase {
  return {
    name: `persistence of a 1-row push, ${label}`,
    async run(p: BenchParams) {
      const bytes = await benchFile(rowsForMegabytes(megabytes(p)));
      const name = benchName('persist');
      const { engine, loop } = await workerEngine(name, { persist: true });
      await engine.importDatabase(bytes);
      await loop.loopOpen(bytes);
      await loop.logOpen(benchName('file'));
      let pushes = 0;
      const push = () =>
        engine.apply(
          updatePlan('dense', [[2 + pushes]], 'qty', () => pushes++),
          { pushId: crypto.randomUUID() },
        );
      const [runs, baseRuns] = await timePairs(
        p.runs,
        { fn: async () => (await push()).persistMs },
        { fn: () => loop.exportAndPut(LIBRARY_DURABILITY) },
      );
      // Bytes written, apart from the timed runs: five pushes, then one whole-file put.
      const written = p.bytesWritten ?? (async () => null);
      const w0 = await written();
      for (let i = 0; i < 5; i++) await push();
      const w1 = await written();
      await loop.exportAndPut(LIBRARY_DURABILITY);
      const w2 = await written();
      await loop.loopClose();
      await engine.close();
      engine.terminate();
      await deleteDB(storageOf(name));
      const kib = w0 === null || w1 === null ? null : (w1 - w0) / 5 / 1024;
      return caseResult({
        name: this.name,
        unit: 'ms',
        runs,
        baseline: {
          name: `export() + put of the whole file (${LIBRARY_DURABILITY})`,
          runs: baseRuns,
        },
        target: '>= 30x faster, <= 16 KiB written per push',
        met: (m, b) => b! / m >= 30 && (kib === null || kib <= 16),
        ratio: (m, b) => b / m,
        notes: {
          databaseBytes: bytes.byteLength,
          writtenKiBPerPush: kib === null ? 'not measured' : Number(kib.toFixed(1)),
          baselineWrittenBytes: w1 === null || w2 === null ? 'not measured' : w2 - w1,
          durability: LIBRARY_DURABILITY,
        },
      });
    },
  };
}

export const persistSmall = persistenceCase('~20 MB database', (p) => p.dbMegabytes / 5);
export const persistBig = persistenceCase('~100 MB database', (p) => p.dbMegabytes);

/** The library's engine in the page, alone on its database (no other tab tells it of commits). */
async function pageEngine(name: string): Promise<EngineCore> {
  const engine = new EngineCore({
    loadSql,
    storage: (n) => new IdbStorage(n),
    coordinator: () => soleCoordinator,
  });
  await engine.open({ name, persist: true });
  return engine;
}

/**
 * A tab behind by many commits catches up from the log, against reloading the snapshot. Both
 * engines run in the page on one database, with no coordinator between them: the reader hears of
 * nothing until it looks.
 */
export const catchUp: BenchCase = {
  name: 'a tab behind catches up',
  async run(p: BenchParams) {
    const bytes = await benchFile(rowsForMegabytes(p.dbMegabytes));
    const name = benchName('behind');
    const writer = await pageEngine(name);
    await writer.importDatabase(bytes);
    const runs: number[] = [];
    const baseRuns: number[] = [];
    for (let r = 0; r < p.runs; r++) {
      const reader = await pageEngine(name);
      for (let i = 0; i < p.behind; i++) {
        await writer.apply(
          updatePlan('dense', [[1 + i]], 'qty', () => r * 1000 + i),
          { pushId: crypto.randomUUID() },
        );
      }
      let t0 = performance.now();
      await reader.state();
      runs.push(performance.now() - t0);
      await reader.close();
      // The baseline reloads a snapshot that already holds those commits.
      await writer.checkpoint();
      t0 = performance.now();
      const again = await pageEngine(name);
      baseRuns.push(performance.now() - t0);
      await again.close();
    }
    await writer.close();
    await deleteDB(storageOf(name));
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      baseline: { name: 'reloading the snapshot', runs: baseRuns },
      target: '>= 10x faster',
      met: (m, b) => b! / m >= 10,
      ratio: (m, b) => b / m,
      notes: { behind: p.behind },
    });
  },
};

/** A database holding a ~`mb` MB bench table, opened with the product's defaults. */
async function bigDatabase(mb: number): Promise<{ name: string; rows: number; db: Database }> {
  const rows = rowsForMegabytes(mb);
  const bytes = await benchFile(rows);
  const name = benchName('big');
  const db = await openDatabase(name);
  await db.import(bytes);
  return { name, rows, db };
}

/**
 * Push latency under the product's defaults: `pushes` one-row pushes, end to end (`set()` then
 * `push()`), on a ~100 MB database with the default checkpoint policy and durability, as an app
 * editing a big table sees them. Each run's figure is its 99th percentile; the notes hold the
 * percentiles of every push of every run.
 */
export const pushLatency: BenchCase = {
  name: 'push latency, one-row pushes on a ~100 MB database, default checkpoints',
  async run(p: BenchParams) {
    const { name, rows, db } = await bigDatabase(p.dbMegabytes);
    const t = await db.table('bench');
    const all: number[] = [];
    const p99s: number[] = [];
    const written = p.bytesWritten ?? (async () => null);
    const w0 = await written();
    let i = 0;
    for (let r = -1; r < p.runs; r++) {
      const times: number[] = [];
      for (let k = 0; k < p.pushes; k++, i++) {
        const t0 = performance.now();
        t.set(1 + scatteredRow(rows, i), 'qty', -i);
        await t.push();
        times.push(performance.now() - t0);
      }
      if (r < 0) continue;
      all.push(...times);
      p99s.push(percentile(times, 99));
    }
    const w1 = await written();
    await db.close();
    await deleteDB(storageOf(name));
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs: p99s,
      target: 'p99 <= 50 ms (median of the runs)',
      met: (m) => m <= 50,
      notes: {
        measure: `each run: the 99th percentile of ${p.pushes} pushes`,
        p50: Number(percentile(all, 50).toFixed(2)),
        p95: Number(percentile(all, 95).toFixed(2)),
        p99: Number(percentile(all, 99).toFixed(2)),
        max: Number(Math.max(...all).toFixed(2)),
        pushes: all.length,
        writtenMB:
          w0 === null || w1 === null ? 'not measured' : Number(((w1 - w0) / 2 ** 20).toFixed(1)),
        durability: LIBRARY_DURABILITY,
      },
    });
  },
};

/**
 * Reopening a ~100 MB database in a fresh worker (`openDatabase`, worker start to resolved)
 * after `records` one-cell pushes, with the product's default checkpoint policy, against opening
 * the same snapshot with no push after it.
 */
export const reopenAfterPushes: BenchCase = {
  name: 'reopen after one-cell pushes, in a fresh worker',
  async run(p: BenchParams) {
    const rows = rowsForMegabytes(p.dbMegabytes);
    const bytes = await benchFile(rows);
    const pushed = benchName('reopen');
    const plain = benchName('snapshot');
    const { engine } = await workerEngine(pushed, { persist: true });
    await engine.importDatabase(bytes);
    for (let i = 0; i < p.records; i++) {
      await engine.apply(
        updatePlan('dense', [[1 + scatteredRow(rows, i)]], 'name', () => `r${i}`),
        { pushId: `r${i}` },
      );
    }
    await engine.close();
    engine.terminate();
    const setup = await openDatabase(plain);
    await setup.import(bytes);
    await setup.close();
    const stored = async (name: string) => {
      const s = new IdbStorage(name);
      const state = await s.load();
      s.close();
      return state.records.length;
    };
    const left = await stored(pushed);
    const open = (name: string) => async () => {
      const db = await openDatabase(name);
      await db.close();
    };
    const [runs, baseRuns] = await timePairs(p.runs, { fn: open(pushed) }, { fn: open(plain) });
    await deleteDB(storageOf(pushed));
    await deleteDB(storageOf(plain));
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      baseline: { name: 'opening the snapshot alone', runs: baseRuns },
      target: 'ratio <= 1.2',
      met: (m, b) => m / b! <= 1.2,
      notes: { pushes: p.records, recordsLeftInLog: left, databaseBytes: bytes.byteLength },
    });
  },
};

/**
 * Cold open to first rows: from `openDatabase` on a ~100 MB database (a fresh worker) to the
 * first 100 rows of its table in an Arquero table a grid can show.
 */
export const coldOpen: BenchCase = {
  name: 'cold open of a ~100 MB database to its first 100 rows',
  async run(p: BenchParams) {
    const { name, db } = await bigDatabase(p.dbMegabytes);
    await db.close();
    let whole = 0;
    const runs: number[] = [];
    settleHeap();
    for (let r = -1; r < p.runs; r++) {
      const t0 = performance.now();
      const d = await openDatabase(name);
      const first = await d.query('SELECT * FROM "bench" LIMIT 100');
      const ms = performance.now() - t0;
      if (first.numRows() !== 100) throw new Error('short read');
      // Untimed, for the notes: the whole table after the first rows.
      const t1 = performance.now();
      await d.table('bench');
      whole = Math.max(whole, performance.now() - t1);
      await d.close();
      if (r >= 0) runs.push(ms);
    }
    await deleteDB(storageOf(name));
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      target: '<= 1500 ms',
      met: (m) => m <= 1500,
      notes: {
        firstRows: 'db.query(SELECT * ... LIMIT 100) right after openDatabase',
        wholeTableMsMax: Number(whole.toFixed(0)),
        median: Number(median(runs).toFixed(0)),
      },
    });
  },
};
