import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { deleteDatabase, openDatabase } from '../../src/index';
import type { KeyInput } from '../../src/table/key-input';
import { TrackedTable } from '../../src/table/tracked-table';
import {
  caseResult,
  settleHeap,
  timePairs,
  timeRuns,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { rowByRowDiff } from '../baseline-diff';
import { benchData, benchInfo, COLUMNS } from '../data';
import { benchFile, benchName, shapeInfo } from '../engine-fixture';
import {
  KEY_SHAPES,
  keyAt,
  keyColumns,
  scatteredRow,
  shapeData,
  type KeyShape,
} from '../key-shapes';
import { LIBRARY_DURABILITY } from '../library-durability';

function tracked(rows: number): TrackedTable {
  return new TrackedTable(benchInfo(), benchData(rows));
}

/** A tracked table of a key shape (see `key-shapes.ts`), with `rows` rows. */
async function trackedShape(shape: KeyShape, rows: number): Promise<TrackedTable> {
  return new TrackedTable(await shapeInfo(shape), shapeData(shape, rows));
}

/** The key of the row at scattered position `k` of a shape's table, as `set()` takes it. */
function scatteredKey(shape: KeyShape, rows: number, k: number): KeyInput {
  const key = keyAt(shape, scatteredRow(rows, k));
  return key.length === 1 ? key[0]! : key;
}

function keyNames(shape: KeyShape): string[] {
  return keyColumns(shape).map(([n]) => n);
}

function result(
  name: string,
  unit: CaseResult['unit'],
  runs: number[],
  baseline: { name: string; runs: number[] } | null,
  target: string,
  met: (m: number, b: number | null) => boolean,
  notes?: CaseResult['notes'],
): CaseResult {
  return caseResult({ name, unit, runs, baseline, target, met, ...(notes ? { notes } : {}) });
}

/**
 * How many times to repeat a sub-millisecond operation in one timed run: about `budgetMs` worth,
 * from one untimed call (at most `max`, at least once). The clock's resolution (5-100 us in a
 * page) then matters little, and a slow build still finishes in bounded time.
 */
function repeatsFor(once: () => void, budgetMs: number, max: number): number {
  const t0 = performance.now();
  once();
  const dt = performance.now() - t0;
  return Math.max(1, Math.min(max, Math.floor(budgetMs / Math.max(dt, 1e-3))));
}

/**
 * Single-cell edits on a big tracked table, amortised, on each key shape; baseline: a full keyed
 * diff after each edit.
 */
export const singleCellEdits: BenchCase[] = KEY_SHAPES.map((shape) => ({
  name: `single-cell edit (amortized), ${shape} keys`,
  async run(p: BenchParams) {
    const t = await trackedShape(shape, p.rows);
    const keys = Array.from({ length: p.edits }, (_, i) => scatteredKey(shape, p.rows, i));
    // Three times the runs of slower cases: a run takes ~10 ms, and a median of five such short
    // runs moves with every busy moment of a shared machine.
    const runs = await timeRuns(
      p.runs * 3,
      () => {
        for (let i = 0; i < keys.length; i++) {
          if (i & 1) t.set(keys[i]!, 'qty', i);
          else t.set(keys[i]!, 'name', `edited ${i}`);
        }
      },
      () => t.discard(),
    );
    const perEdit = runs.map((ms) => (ms * 1000) / keys.length);
    // Baseline: after each edit, diff the whole table against the original (few runs: it is slow).
    const original = t.table();
    const current = shapeData(shape, p.rows);
    const names = current.names;
    const cols = current.columns.map((c) => Array.from(c as ArrayLike<unknown>));
    const qty = names.indexOf('qty');
    const baseRuns = await timeRuns(Math.min(3, p.runs), () => {
      cols[qty]![scatteredRow(p.rows, 0)] = -1;
      const data: Record<string, unknown[]> = {};
      names.forEach((n, i) => (data[n] = cols[i]!));
      rowByRowDiff(original, aq.table(data), keyNames(shape));
    });
    return result(
      this.name,
      'us',
      perEdit,
      { name: 'full keyed diff after each edit', runs: baseRuns.map((ms) => ms * 1000) },
      '<= 1 us per edit',
      (m) => m <= 1,
    );
  },
}));

/**
 * `set()` then `table()`, as a grid re-reading the Arquero table after each keystroke does: the
 * snapshot's cost beyond the edit's (each run times both loops, alternating). Baseline: copying
 * the edited column once, what rebuilding it per snapshot costs.
 */
export const snapshotAfterEdit: BenchCase = {
  name: 'snapshot after one edit (set() then table())',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    const edits = 200;
    let k = 0;
    const editOnly = (): void => {
      for (let i = 0; i < edits; i++, k++) t.set(((k * 7919) % p.rows) + 1, 'qty', -k);
    };
    const editAndRead = (): void => {
      for (let i = 0; i < edits; i++, k++) {
        t.set(((k * 7919) % p.rows) + 1, 'qty', -k);
        t.table();
      }
    };
    const [both, alone] = await timePairs(
      p.runs * 3,
      { fn: editAndRead, setup: () => t.discard() },
      { fn: editOnly, setup: () => t.discard() },
    );
    const perSnapshot = both.map((ms, i) => (Math.max(0, ms - alone[i]!) * 1000) / edits);
    const column = t.table().column('qty')!;
    const baseRuns = await timeRuns(p.runs, () => Array.from(column as Iterable<unknown>));
    return result(
      this.name,
      'us',
      perSnapshot,
      { name: 'one copy of the edited 1M-row column', runs: baseRuns.map((ms) => ms * 1000) },
      '<= 50 us',
      (m) => m <= 50,
      { editsPerRun: edits, timed: 'set() + table(), less set() alone (paired runs)' },
    );
  },
};

/**
 * `hasChanges` and `changeCounts()` with a whole column assigned (1M changed rows pending), each
 * pair of calls after one more single-cell edit, so that nothing computed before can answer:
 * the calls' cost beyond the edits'.
 */
export const countsAfterAssign: BenchCase = {
  name: 'hasChanges + changeCounts after a 1M-row assign',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    t.assign(
      'qty',
      Float64Array.from(t.table().array('qty') as ArrayLike<number>, (v) => v + 1),
    );
    let k = 0;
    let sink = 0;
    const edit = (): void => void t.set(((k++ * 7919) % p.rows) + 1, 'price', -k);
    const count = (): void => {
      edit();
      if (t.hasChanges) sink += t.changeCounts().updates;
    };
    const repeats = repeatsFor(count, 200, 2000);
    const [withCounts, alone] = await timePairs(
      p.runs * 3,
      {
        fn: () => {
          for (let i = 0; i < repeats; i++) count();
        },
      },
      {
        fn: () => {
          for (let i = 0; i < repeats; i++) edit();
        },
      },
    );
    const perPair = withCounts.map((ms, i) => (Math.max(0, ms - alone[i]!) * 1000) / repeats);
    return result(this.name, 'us', perPair, null, '<= 2 us (1 us each)', (m) => m <= 2, {
      repeatsPerRun: repeats,
      updatesPending: sink > 0 ? t.changeCounts().updates : 0,
    });
  },
};

/** Change detection after a one-column transform whose result shares the table's storage. */
export const oneColumnTransform: BenchCase = {
  name: 'change detection after a one-column transform',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    let T: ColumnTable | null = null;
    // The result is made from the table as it is before each run (untimed), as a caller does.
    const runs = await timeRuns(
      p.runs,
      () => t.transform(() => T!),
      () => {
        t.discard();
        T = t.table().derive({ price: (d: { price: number }) => d.price * 1.1 });
        settleHeap();
      },
    );
    const changes = t.changeCounts().updates;
    const S = t.table();
    t.discard();
    const baseRuns = await timeRuns(Math.min(3, p.runs), () => rowByRowDiff(S, T!, 'id'));
    return result(
      this.name,
      'ms',
      runs,
      { name: 'row-by-row keyed diff', runs: baseRuns },
      '<= 50 ms',
      (m) => m <= 50,
      { rowsChanged: changes },
    );
  },
};

/**
 * A one-column change of every row made by a table built elsewhere (every column a new array, as
 * data from a server or a file is): rows must be matched by key. Against the row-by-row keyed diff
 * of the same two tables.
 */
export const keyedTransforms: BenchCase[] = KEY_SHAPES.map((shape) => ({
  name: `one-column change by a rebuilt table (keyed path), ${shape} keys`,
  async run(p: BenchParams) {
    const t = await trackedShape(shape, p.rows);
    let S: ColumnTable | null = null;
    let T: ColumnTable | null = null;
    const rebuild = (): void => {
      t.discard();
      S = t.table();
      const columns: Record<string, unknown> = {};
      for (const c of S.columnNames()) {
        const values = S.array(c) as ArrayLike<unknown>;
        columns[c] =
          c === 'price'
            ? Float64Array.from(values as ArrayLike<number>, (v) => v + 1)
            : Array.from(values);
      }
      T = aq.table(columns);
      // The garbage of building it is not the transform's to collect.
      settleHeap();
    };
    const runs = await timeRuns(p.runs, () => t.transform(() => T!), rebuild);
    const changes = t.changeCounts().updates;
    rebuild();
    const baseRuns = await timeRuns(Math.min(3, p.runs), () =>
      rowByRowDiff(S!, T!, keyNames(shape)),
    );
    return result(
      this.name,
      'ms',
      runs,
      { name: 'row-by-row keyed diff', runs: baseRuns },
      'ratio <= 0.3',
      (m, b) => b !== null && m <= 0.3 * b,
      { rowsChanged: changes },
    );
  },
}));

/** Full diff when every non-key column is replaced (the key column is the table's own). */
export const fullDiff: BenchCase = {
  name: 'full diff, every column replaced',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    let S: ColumnTable | null = null;
    let T: ColumnTable | null = null;
    const rebuild = (): void => {
      t.discard();
      S = t.table();
      const data: Record<string, unknown> = { id: S.column('id') };
      for (const [name, type] of COLUMNS.slice(1)) {
        const src = S.array(name) as ArrayLike<unknown>;
        data[name] = Array.from(src, (v) =>
          type === 'TEXT' ? `${String(v)}!` : (v as number) + 1,
        );
      }
      T = aq.table(data);
      settleHeap();
    };
    const runs = await timeRuns(p.runs, () => t.transform(() => T!), rebuild);
    const changes = t.changeCounts().updates;
    rebuild();
    const baseRuns = await timeRuns(Math.min(3, p.runs), () => rowByRowDiff(S!, T!, 'id'));
    return result(
      this.name,
      'ms',
      runs,
      { name: 'row-by-row keyed diff', runs: baseRuns },
      '<= 150 ms',
      (m) => m <= 150,
      { rowsChanged: changes },
    );
  },
};

/**
 * The first push after reading `table()` against the next push of the same size without a read
 * in between (10k scattered cells in each of two columns, 1M rows), alternating: reading a
 * snapshot must not make the next push copy the columns it touches.
 */
export const firstPushAfterRead: BenchCase = {
  name: 'first push after reading table() vs a push without a read',
  async run(p: BenchParams) {
    const name = benchName('first-push');
    const db = await openDatabase(name);
    await db.import(await benchFile(p.rows));
    const t = await db.table('bench');
    let k = 0;
    const edit = (): void => {
      for (let i = 0; i < p.edits; i++, k++) {
        const id = ((k * 7919) % p.rows) + 1;
        t.set(id, 'qty', -k);
        t.set(id, 'price', k / 4);
      }
    };
    let sink = 0;
    // Three times the pairs of other cases: a ratio of two close medians needs them (one run of
    // five pairs gave 1.15x, and the next 0.96x).
    const [first, second] = await timePairs(
      p.runs * 3,
      {
        setup: () => {
          sink += t.table().numRows();
          edit();
        },
        fn: () => t.push(),
      },
      { setup: edit, fn: () => t.push() },
    );
    await db.close();
    await deleteDatabase(name);
    return result(
      this.name,
      'ms',
      first,
      { name: 'the same push without reading table() first', runs: second },
      'ratio <= 1.1',
      (m, b) => b !== null && m <= 1.1 * b,
      {
        editsPerPush: 2 * p.edits,
        durability: LIBRARY_DURABILITY,
        rowsRead: sink > 0 ? p.rows : 0,
      },
    );
  },
};

/** Plan build for 10k inserts + 10k updates + 10k deletes. */
export const planBuild: BenchCase = {
  name: 'plan build (10k inserts + 10k updates + 10k deletes)',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    const n = p.edits;
    for (let i = 0; i < n; i++) t.set(i + 1, 'qty', -i);
    t.delete(Array.from({ length: n }, (_, i) => Math.floor(p.rows / 2) + i));
    t.insert(
      Array.from({ length: n }, (_, i) => ({
        id: p.rows + 1 + i,
        qty: i,
        price: 1.5,
        name: `new ${i}`,
      })),
    );
    // Short runs (~10-20 ms): three times the runs, as for the single-cell edit.
    const runs = await timeRuns(p.runs * 3, () => t.plan());
    return result(this.name, 'ms', runs, null, '<= 20 ms', (m) => m <= 20);
  },
};

/** JS heap of a tracked table with edits against the same data as a plain Arquero table. */
export const heap: BenchCase = {
  name: 'JS heap of a tracked table with 10k edits',
  async run(p: BenchParams) {
    const measure =
      p.heap ??
      (async () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? NaN);
    const mb = (b: number) => b / 2 ** 20;
    const before1 = await measure();
    let plain: ColumnTable | null = (() => {
      const d = benchData(p.rows);
      const cols: Record<string, unknown> = {};
      d.names.forEach((n, i) => (cols[n] = d.columns[i]));
      return aq.table(cols);
    })();
    const plainBytes = (await measure()) - before1;
    void plain.numRows();
    plain = null;
    const before2 = await measure();
    let t: TrackedTable | null = tracked(p.rows);
    for (let i = 0; i < p.edits; i++)
      t.set(((i * 7919) % p.rows) + 1, i & 1 ? 'qty' : 'name', i & 1 ? i : `e${i}`);
    const trackedBytes = (await measure()) - before2;
    void t.numRows;
    t = null;
    const ratio = trackedBytes / plainBytes;
    return {
      name: this.name,
      unit: 'MB',
      median: mb(trackedBytes),
      range: [mb(trackedBytes), mb(trackedBytes)],
      runs: 1,
      baseline: {
        name: 'same data as a plain Arquero table',
        median: mb(plainBytes),
        range: [mb(plainBytes), mb(plainBytes)],
        runs: 1,
      },
      ratio,
      target: 'ratio <= 1.2',
      met: ratio <= 1.2,
    };
  },
};
