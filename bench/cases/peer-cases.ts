import { deleteDatabase, openDatabase } from '../../src/index';
import type { PushResult } from '../../src/index';
import {
  caseResult,
  median,
  settleHeap,
  timePairs,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { benchFile, benchName } from '../engine-fixture';
import { scatteredRow } from '../key-shapes';
import { LibraryPeer } from '../peers/library-peer';
import type { Peer } from '../peers/peer';
import { SqliteWasmPeer } from '../peers/sqlite-wasm-peer';
import { TinyBasePeer } from '../peers/tinybase-peer';

/**
 * Where a push's time went, from what `push()` reported: the engine's apply (in SQLite) and
 * persist (the IndexedDB append), and the whole push as the page timed it; medians in ms.
 */
function pushSplit(pushes: readonly PushResult[], prefix = ''): Record<string, number> {
  const m = (f: (r: PushResult) => number) => Number(median(pushes.map(f)).toFixed(2));
  return {
    [`${prefix}engineApplyMs`]: m((r) => r.applyMs),
    [`${prefix}enginePersistMs`]: m((r) => r.persistMs),
    [`${prefix}pushTotalMs`]: m((r) => r.totalMs),
  };
}

/** The ids of the `n` rows a round edits: scattered, and every round its own. */
function editIds(rows: number, n: number, round: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 + scatteredRow(rows, (round + 1) * n + i));
}

/** Per peer, the measurements of each step, in the order the peers were given. */
type Series = Map<Peer, number[]>;

/**
 * Runs `step` on every peer `runs` times after one unmeasured round, the peers' order rotating
 * from round to round, so that each takes its turn first under the machine's drift.
 */
async function rounds(
  peers: readonly Peer[],
  runs: number,
  step: (peer: Peer, round: number) => Promise<unknown>,
): Promise<Series> {
  const out: Series = new Map(peers.map((p) => [p, []]));
  settleHeap();
  for (let r = -1; r < runs; r++) {
    const shift = ((r % peers.length) + peers.length) % peers.length;
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[(k + shift) % peers.length]!;
      const t0 = performance.now();
      const own = await step(peer, r + 1);
      const dt = typeof own === 'number' ? own : performance.now() - t0;
      if (r >= 0) out.get(peer)!.push(dt);
    }
  }
  return out;
}

const MB = 2 ** 20;

/**
 * The library beside TinyBase and the official SQLite WASM build, in the same run, on the same
 * data (`peerRows` rows of the bench table): load from storage to a table ready to edit, 1,000
 * edits, a durable save of one edit and of 1,000, JS heap and renderer memory after the load, and
 * a reopen after `behind` (100) saves. One row per measure and peer; the library is timed once per round
 * and compared with each. Against TinyBase every time and the heap are targets (ahead on every
 * one); the rest is reported.
 */
export const peers: BenchCase = {
  name: 'peers',
  async run(p: BenchParams) {
    const rows = p.peerRows;
    const library = new LibraryPeer();
    const others: Peer[] = [new TinyBasePeer(), new SqliteWasmPeer()];
    const all = [library, ...others];
    for (const peer of all) await peer.create(rows);
    const runs = p.runs;
    const heap = p.heap ?? null;
    const renderer = p.rendererMemory ?? (async () => null);
    const heaps: Series = new Map(all.map((x) => [x, []]));
    const renderers: Series = new Map(all.map((x) => [x, []]));
    p.log?.(`peers: load of ${rows} rows`);
    const load = await rounds(all, runs, async (peer, round) => {
      const h0 = heap ? await heap() : 0;
      const r0 = await renderer();
      const t0 = performance.now();
      await peer.load();
      const ms = performance.now() - t0;
      if (round > 0) {
        if (heap) heaps.get(peer)!.push(((await heap()) - h0) / MB);
        const r1 = await renderer();
        if (r0 !== null && r1 !== null) renderers.get(peer)!.push((r1 - r0) / MB);
      }
      await peer.unload();
      return ms;
    });
    for (const peer of all) await peer.load();
    p.log?.('peers: edits and saves');
    const edits = await rounds(all, runs, async (peer, round) => {
      const t0 = performance.now();
      await peer.edit(editIds(rows, 1000, round), round * 1000);
      const ms = performance.now() - t0;
      await peer.discard();
      return ms;
    });
    const saveOne = await rounds(all, runs, (peer, round) =>
      peer.save(editIds(rows, 1, round), -round),
    );
    const saveMany = await rounds(all, runs, (peer, round) =>
      peer.save(editIds(rows, 1000, runs + round), round),
    );
    for (const peer of all) await peer.unload();
    p.log?.(`peers: reopen after ${p.behind} saves`);
    for (const peer of all) {
      await peer.load();
      for (let i = 0; i < p.behind; i++) await peer.save(editIds(rows, 1, 1000 + i), i);
      await peer.unload();
    }
    const reopen = await rounds(all, runs, async (peer) => {
      const t0 = performance.now();
      await peer.load();
      const ms = performance.now() - t0;
      await peer.unload();
      return ms;
    });
    for (const peer of all) await peer.destroy();

    const results: CaseResult[] = [];
    const measures: readonly [string, Series, 'ms' | 'MB', boolean][] = [
      [`load ${rows} x 10 from storage, ready to edit`, load, 'ms', true],
      ['1,000 edits', edits, 'ms', true],
      ['durable save of one edit', saveOne, 'ms', true],
      ['durable save of 1,000 edits', saveMany, 'ms', true],
      ['JS heap (main thread) after the load', heaps, 'MB', true],
      ['renderer memory (page and workers) after the load', renderers, 'MB', false],
      [`reopen after ${p.behind} saves, ready to edit`, reopen, 'ms', true],
    ];
    for (const [what, series, unit, targeted] of measures) {
      const own = series.get(library)!;
      for (const other of others) {
        const theirs = series.get(other)!;
        if (!own.length || !theirs.length) continue;
        const tinybase = other instanceof TinyBasePeer;
        results.push(
          caseResult({
            name: `peers: ${what}, vs ${tinybase ? 'TinyBase' : 'SQLite WASM'}`,
            unit,
            runs: own,
            baseline: { name: other.name, runs: theirs },
            target: tinybase && targeted ? 'ahead (ratio < 1)' : 'reported',
            met: tinybase && targeted ? (m, b) => m < b! : null,
          }),
        );
      }
    }
    return results;
  },
};

/**
 * Loading 1M x 10 into a tracked table (`db.table()` on a database just opened), against the
 * official SQLite WASM build reading `SELECT *` into arrays in its worker and sending them to the
 * page (numbers as transferred Float64Arrays), its database just opened too.
 */
export const loadVsSqliteWasm: BenchCase = {
  name: 'load 1M x 10 into a tracked table',
  async run(p: BenchParams) {
    const name = benchName('load');
    const setup = await openDatabase(name);
    await setup.import(await benchFile(p.rows));
    await setup.close();
    const peer = new SqliteWasmPeer();
    await peer.create(p.rows);
    let db: Awaited<ReturnType<typeof openDatabase>> | null = null;
    const [runs, baseRuns] = await timePairs(
      p.runs,
      {
        setup: async () => {
          await db?.close();
          db = await openDatabase(name);
        },
        fn: async () => {
          const t = await db!.table('bench');
          if (t.numRows !== p.rows) throw new Error('short read');
        },
      },
      {
        setup: async () => {
          await peer.unload();
          await peer.open();
        },
        fn: async () => {
          const data = await peer.api.readAll();
          if (data.length !== p.rows) throw new Error('short read');
        },
      },
    );
    await (db as Awaited<ReturnType<typeof openDatabase>> | null)?.close();
    await peer.destroy();
    await deleteDatabase(name);
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      baseline: { name: `${peer.name}: SELECT * into arrays, to the page`, runs: baseRuns },
      target: 'ratio <= 0.8',
      met: (m, b) => m / b! <= 0.8,
      notes: { note: 'library: read in the worker, transfer, build the tracked table' },
    });
  },
};

/**
 * A one-cell push on a 1M-row database, end to end (`set()` + `push()`: plan, worker apply,
 * IndexedDB append committed `strict`, the library's default, effects back into the table),
 * against one UPDATE committed with `synchronous=FULL` by the official SQLite WASM build on
 * `opfs-sahpool`, sent from the page to its worker: both resolve once the data is flushed.
 */
export const pushVsSqliteWasm: BenchCase = {
  name: 'one-cell push, strict durability, end to end, 1M rows',
  async run(p: BenchParams) {
    const library = new LibraryPeer();
    const peer = new SqliteWasmPeer();
    await library.create(p.rows);
    await peer.create(p.rows);
    await library.load();
    await peer.open();
    let i = 0;
    const next = () => [1 + scatteredRow(p.rows, i++)];
    const [runs, baseRuns] = await timePairs(
      p.runs * 4,
      { fn: () => library.save(next(), -i) },
      { fn: () => peer.save(next(), -i) },
    );
    await library.destroy();
    await peer.destroy();
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      baseline: { name: `${peer.name}: one UPDATE, synchronous=FULL`, runs: baseRuns },
      target: 'ratio <= 1.0',
      met: (m, b) => m <= b!,
      notes: { durability: 'strict', ...pushSplit(library.pushes) },
    });
  },
};

/**
 * The fixed cost of a push with the `relaxed` opt-in: a one-cell push on a 1M-row database, end
 * to end (plan, trip to the worker, apply, IndexedDB append committed `relaxed`, effects back),
 * beside the same push with the default `strict` durability, in the same run: the difference is
 * what the flush costs per push.
 */
export const pushRelaxed: BenchCase = {
  name: 'one-cell push, relaxed durability, end to end, 1M rows',
  async run(p: BenchParams) {
    const relaxed = new LibraryPeer('relaxed');
    const strict = new LibraryPeer('strict');
    await relaxed.create(p.rows);
    await strict.create(p.rows);
    await relaxed.load();
    await strict.load();
    let i = 0;
    const next = () => [1 + scatteredRow(p.rows, i++)];
    const [runs, baseRuns] = await timePairs(
      p.runs * 4,
      { fn: () => relaxed.save(next(), -i) },
      { fn: () => strict.save(next(), -i) },
    );
    await relaxed.destroy();
    await strict.destroy();
    return caseResult({
      name: this.name,
      unit: 'ms',
      runs,
      baseline: { name: 'the same push with strict durability (the default)', runs: baseRuns },
      target: '<= 3 ms median',
      met: (m) => m <= 3,
      notes: {
        durability: 'relaxed',
        baselineDurability: 'strict',
        ...pushSplit(relaxed.pushes),
        ...pushSplit(strict.pushes, 'strict '),
      },
    });
  },
};
