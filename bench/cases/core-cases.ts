import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { TrackedTable } from '../../src/table/tracked-table';
import {
  caseResult,
  timeRuns,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { rowByRowDiff } from '../baseline-diff';
import { benchData, benchInfo, COLUMNS } from '../data';

function tracked(rows: number): TrackedTable {
  return new TrackedTable(benchInfo(), benchData(rows));
}

function result(
  name: string,
  unit: CaseResult['unit'],
  runs: number[],
  baseline: { name: string; runs: number[] } | null,
  target: string,
  met: (m: number) => boolean,
  notes?: CaseResult['notes'],
): CaseResult {
  return caseResult({ name, unit, runs, baseline, target, met, ...(notes ? { notes } : {}) });
}

/** Single-cell edits on a big tracked table, amortised; baseline: a full keyed diff after each. */
export const singleCellEdit: BenchCase = {
  name: 'single-cell edit (amortized)',
  async run(p: BenchParams) {
    const t = tracked(p.rows);
    const keys = Array.from({ length: p.edits }, (_, i) => ((i * 7919) % p.rows) + 1);
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
    const current = benchData(p.rows);
    const names = current.names;
    const cols = current.columns.map((c) => Array.from(c as ArrayLike<unknown>));
    const baseRuns = await timeRuns(Math.min(3, p.runs), () => {
      const r = keys[0]! - 1;
      cols[names.indexOf('qty')]![r] = -1;
      const data: Record<string, unknown[]> = {};
      names.forEach((n, i) => (data[n] = cols[i]!));
      rowByRowDiff(original, aq.table(data), 'id');
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
};

function transformCase(
  name: string,
  target: number,
  make: (t: ColumnTable) => ColumnTable,
): BenchCase {
  return {
    name,
    async run(p: BenchParams) {
      const t = tracked(p.rows);
      const S = t.table();
      const T = make(S);
      const runs = await timeRuns(
        p.runs,
        () => t.transform(() => T),
        () => t.discard(),
      );
      const changes = (() => {
        t.transform(() => T);
        const c = t.changeCounts();
        t.discard();
        return c.updates;
      })();
      const baseRuns = await timeRuns(Math.min(3, p.runs), () => rowByRowDiff(S, T, 'id'));
      return result(
        name,
        'ms',
        runs,
        { name: 'row-by-row keyed diff', runs: baseRuns },
        `<= ${target} ms`,
        (m) => m <= target,
        { rowsChanged: changes },
      );
    },
  };
}

/** Change detection after a one-column transform. */
export const oneColumnTransform = transformCase(
  'change detection after a one-column transform',
  50,
  (S) => S.derive({ price: (d: { price: number }) => d.price * 1.1 }),
);

/** Full diff when every non-key column is replaced. */
export const fullDiff = transformCase('full diff, every column replaced', 150, (S) => {
  const data: Record<string, unknown> = { id: S.column('id') };
  for (const [name, type] of COLUMNS.slice(1)) {
    const src = S.array(name) as ArrayLike<unknown>;
    data[name] = Array.from(src, (v) => (type === 'TEXT' ? `${String(v)}!` : (v as number) + 1));
  }
  return aq.table(data);
});

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
