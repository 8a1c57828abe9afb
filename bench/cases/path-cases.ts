import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { deleteDatabase, openDatabase, type Database, type DatabaseTable } from '../../src/index';
import { TrackedTable } from '../../src/table/tracked-table';
import {
  caseResult,
  settleHeap,
  summarize,
  timePairs,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { benchData, benchInfo } from '../data';
import { benchFile, benchName, startBenchWorker } from '../engine-fixture';
import { LIBRARY_DURABILITY } from '../library-durability';
import { withLongestTask } from '../long-tasks';
import { mixedEdits } from '../bench-plans';

/** A database holding the 1M-row bench table, opened with the product's defaults, and the table. */
async function loaded(
  rows: number,
  worker?: Worker,
): Promise<{ name: string; db: Database; t: DatabaseTable }> {
  const name = benchName('path');
  const db = await openDatabase(name, worker ? { worker } : {});
  await db.import(await benchFile(rows));
  return { name, db, t: await db.table('bench') };
}

/** The two rows of a whole path: its time end to end and its longest main-thread task. */
function pathResults(
  name: string,
  target: number,
  runs: number[],
  longest: number[],
  notes: Record<string, string>,
): CaseResult[] {
  return [
    caseResult({
      name,
      unit: 'ms',
      runs,
      target: `<= ${target} ms`,
      met: (m) => m <= target,
      notes,
    }),
    caseResult({
      name: `${name}: longest main-thread task`,
      unit: 'ms',
      runs: longest,
      target: '<= 200 ms',
      met: (m) => m <= 200,
      notes: { measure: 'Long Tasks API; 0 when no task reached 50 ms' },
    }),
  ];
}

/**
 * A one-column change of every row made by a transform whose result is not the table's own
 * columns, so that the table layer must match rows by key, then `push()`, end to end: the diff,
 * the plan, the worker's apply of 1M updates, the durable append, the table taken back in.
 * `rebuilt`: the new table was built elsewhere (every column a new array, as data from a server
 * or a file is) and handed in. `join`: the transform joins the table with a table of new prices
 * by key, inside `transform()`: the join is the app's own code (Arquero's), in the same task.
 * `joined`: the same join made by the app before, in a task of its own, and its result handed in:
 * the library's part of the join's path alone (columns as a join makes them).
 */
function transformPush(kind: 'rebuilt' | 'join' | 'joined'): BenchCase {
  const what =
    kind === 'rebuilt'
      ? 'a rebuilt table'
      : kind === 'join'
        ? 'a join'
        : "a join's result (the join made before, untimed)";
  return {
    name: `transform by ${what} + push, one column of 1M rows, end to end`,
    async run(p: BenchParams) {
      const { name, db, t } = await loaded(p.rows);
      const runs: number[] = [];
      const longest: number[] = [];
      const joinAlone: number[] = [];
      settleHeap();
      for (let r = -1; r < p.runs; r++) {
        const S = t.table();
        const price = Float64Array.from(S.array('price') as ArrayLike<number>, (v) => v + 1);
        let fn: (table: ColumnTable) => ColumnTable;
        if (kind === 'rebuilt') {
          const columns: Record<string, unknown> = {};
          for (const c of S.columnNames()) {
            const values = S.array(c) as ArrayLike<unknown>;
            columns[c] = c === 'price' ? price : Array.from(values);
          }
          const rebuilt = aq.table(columns);
          fn = () => rebuilt;
        } else {
          const prices = aq.table({
            id: Float64Array.from(S.array('id') as ArrayLike<number>),
            price,
          });
          const names = S.columnNames();
          const join = (table: ColumnTable) =>
            table.select(aq.not('price')).join(prices, 'id').select(names);
          if (kind === 'join') {
            fn = join;
          } else {
            // The app's join, in a task of its own before the timed region: timed for the notes.
            const j0 = performance.now();
            const joined = join(S);
            if (r >= 0) joinAlone.push(performance.now() - j0);
            fn = () => joined;
          }
        }
        if (kind === 'join') {
          // The join is the app's own code and runs inside transform(), in its task: timed once
          // alone on the same table, so that the notes say how much of that task it is.
          const j0 = performance.now();
          fn(S);
          if (r >= 0) joinAlone.push(performance.now() - j0);
        }
        // The setup above (a million-row table built) ends its task here: the longest task
        // measured is the library's, not the bench's.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const m = await withLongestTask(async () => {
          t.transform(fn);
          await t.push();
        });
        if (r < 0) continue;
        runs.push(m.ms);
        if (m.longest !== null) longest.push(m.longest);
      }
      await db.close();
      await deleteDatabase(name);
      return pathResults(this.name, 2000, runs, longest, {
        durability: LIBRARY_DURABILITY,
        timed:
          kind === 'rebuilt'
            ? 'transform(() => rebuilt) + push()'
            : kind === 'join'
              ? 'transform(join) + push()'
              : 'transform(() => joined) + push(), the join made before the timed region',
        ...(kind !== 'rebuilt'
          ? {
              joinAlone: `the join alone (app code${kind === 'join' ? ", inside transform()'s task" : ', before the timed region'}): median ${summarize(joinAlone).median.toFixed(0)} ms`,
            }
          : {}),
      });
    },
  };
}

export const transformRebuiltPush = transformPush('rebuilt');
export const transformJoinPush = transformPush('join');
export const transformJoinedPush = transformPush('joined');

/**
 * 10k scattered updates + 10k inserts + 10k scattered deletes pushed end to end from a tracked
 * 1M-row table (plan, the worker's apply, the durable append, the table taken back in), against
 * what an app doing it by hand would: send the same writes as columns to the same worker, run
 * the strongest hand-written loop there, put a record of them in IndexedDB with the same
 * durability, and hear back. The edits themselves are made untimed before each side's run.
 */
export const pushMixed: BenchCase = {
  name: 'push 10k updates + 10k inserts + 10k deletes end to end',
  async run(p: BenchParams) {
    const { worker, loop } = startBenchWorker();
    const { name, db, t } = await loaded(p.rows, worker);
    const bytes = await benchFile(p.rows);
    await loop.loopOpen(bytes);
    await loop.logOpen(benchName('log'));
    // The baseline's writes: the same edits, as a plan's columns, from a table of its own.
    const shadow = new TrackedTable(benchInfo(), benchData(p.rows));
    let ownRound = 0;
    let baseRound = 0;
    const longest: [number[], number[]] = [[], []];
    let plan = shadow.plan();
    const [runs, baseRuns] = await timePairs(
      p.runs,
      {
        setup: () => mixedEdits(t, 'dense', p.rows, p.edits, ownRound++),
        fn: async () => {
          const m = await withLongestTask(() => t.push());
          if (m.longest !== null) longest[0].push(m.longest);
          return m.ms;
        },
      },
      {
        setup: () => {
          shadow.discard();
          mixedEdits(shadow, 'dense', p.rows, p.edits, baseRound++);
          plan = shadow.plan();
        },
        fn: async () => {
          const m = await withLongestTask(() => loop.loopAndPut(plan, LIBRARY_DURABILITY));
          if (m.longest !== null) longest[1].push(m.longest);
          return m.ms;
        },
      },
    );
    await loop.loopClose();
    await db.close();
    await deleteDatabase(name);
    // The warm-up round of each side is not measured: drop its longest task too.
    const [ownLongest, baseLongest] = longest.map((l) => l.slice(1));
    return [
      caseResult({
        name: this.name,
        unit: 'ms',
        runs,
        baseline: {
          name: 'the same writes sent to the same worker, hand-written loop + IndexedDB put',
          runs: baseRuns,
        },
        target: 'ratio <= 1.3',
        met: (m, b) => m / b! <= 1.3,
        notes: { durability: LIBRARY_DURABILITY },
      }),
      caseResult({
        name: `${this.name}: longest main-thread task`,
        unit: 'ms',
        runs: ownLongest!,
        baseline: { name: 'the hand-written path', runs: baseLongest! },
        target: 'reported',
        met: null,
        notes: { measure: 'Long Tasks API; 0 when no task reached 50 ms' },
      }),
    ];
  },
};

/**
 * Another writer's one-cell push taken in while a whole-column change of every row is pending
 * (another tab edits while this one has transformed a column): `refresh()` after the other
 * push, end to end, and its longest main-thread task. The other writer is a second connection
 * of the same page (drafts off for both: what is timed is the rebase, not a draft's save).
 */
export const refreshOverAssign: BenchCase = {
  name: "refresh() taking another writer's one-cell push, a 1M-row assign pending",
  async run(p: BenchParams) {
    const name = benchName('refresh');
    const db = await openDatabase(name, { drafts: false });
    await db.import(await benchFile(p.rows));
    const t = await db.table('bench');
    const other = await openDatabase(name, { drafts: false });
    const o = await other.table('bench');
    const runs: number[] = [];
    const longest: number[] = [];
    const price = Float64Array.from(t.table().array('price') as ArrayLike<number>, (v) => v + 1);
    settleHeap();
    for (let r = -1; r < p.runs; r++) {
      t.discard();
      t.assign('price', price);
      const id = ((r + 2) * 7919) % p.rows;
      o.set(id, 'name', `theirs ${r}`);
      await o.push();
      const w = await withLongestTask(() => t.refresh());
      if (t.get(id, 'name') !== `theirs ${r}` || t.changeCounts().updates !== p.rows)
        throw new Error('the push was not taken in over the pending assign');
      if (r < 0) continue;
      runs.push(w.ms);
      longest.push(w.longest ?? Number.NaN);
    }
    t.discard();
    await other.close();
    await db.close();
    await deleteDatabase(name);
    return pathResults(this.name, 50, runs, longest, {
      before: 'one task of 2.3-3.0 s (every pending change replayed; load 5)',
    });
  },
};
