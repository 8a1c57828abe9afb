import { deleteDB, openDB } from 'idb';
import { openDatabase, type Database } from '../../src/index';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { TrackedTable } from '../../src/table/tracked-table';
import {
  median,
  timePairs,
  timeRuns,
  type BenchCase,
  type BenchParams,
  type CaseResult,
} from '../bench-case';
import { benchData, benchInfo, COLUMNS } from '../data';
import {
  benchFile,
  benchName,
  openBytes,
  pageEngine,
  rowsForMegabytes,
  workerEngine,
} from '../engine-fixture';

function caseResult(
  name: string,
  unit: CaseResult['unit'],
  runs: number[],
  baseline: { name: string; runs: number[] } | null,
  target: string,
  met: (m: number, b: number | null) => boolean,
  notes?: CaseResult['notes'],
  ratioOf: (m: number, b: number) => number = (m, b) => m / b,
): CaseResult {
  const m = median(runs);
  const b = baseline ? median(baseline.runs) : null;
  return {
    name,
    unit,
    median: m,
    runs: runs.length,
    baseline:
      baseline && b !== null
        ? { name: baseline.name, median: b, runs: baseline.runs.length }
        : null,
    ratio: b === null ? null : ratioOf(m, b),
    target,
    met: met(m, b),
    ...(notes ? { notes } : {}),
  };
}

/** The plan of n updates, n inserts and n deletes on the bench table (built once per size). */
function mixedPlan(rows: number, n: number): ExecutionPlan {
  const at = planRows(rows);
  const t = new TrackedTable(benchInfo(), benchData(rows));
  for (let i = 0; i < n; i++) t.set(at.updated(i), 'qty', -i);
  t.delete(Array.from({ length: n }, (_, i) => at.deleted(i)));
  t.insert(
    Array.from({ length: n }, (_, i) => {
      const row = newRow(at.inserted(i), i);
      return Object.fromEntries(COLUMNS.map(([c], k) => [c, row[k]]));
    }),
  );
  return t.plan();
}

type Db = Awaited<ReturnType<typeof openBytes>>;

/** The rows of the mixed plan: updated (their qty), deleted, and inserted ids. */
function planRows(rows: number) {
  return {
    updated: (i: number) => ((i * 7919) % (rows / 2)) + 1,
    deleted: (i: number) => Math.floor(rows / 2) + 1 + i,
    inserted: (i: number) => rows + 1 + i,
  };
}

/** The i-th inserted row. */
function newRow(id: number, i: number): (number | string)[] {
  return [id, i, 1.5, `new ${i}`, 'x', '00001', 1, 2, 'n', 0.5];
}

/**
 * The same writes as a competent hand-written loop: one prepared statement per kind, one
 * transaction. `guarded`: each UPDATE and DELETE also checks, in its WHERE clause, that the row
 * holds the values the edits were based on (the columns the library's plan guards: the one an
 * update sets, every column of a deleted row), and throws if a row did not match, as a loop
 * doing optimistic concurrency by hand would. The expected values are at hand, as the plan's are.
 */
function handWritten(db: Db, rows: number, n: number, guarded: Expected | null = null): void {
  const at = planRows(rows);
  const check = guarded
    ? () => {
        if (db.getRowsModified() !== 1) throw new Error('a guarded row did not match');
      }
    : () => undefined;
  db.run('BEGIN');
  const rest = COLUMNS.slice(1).map(([c]) => ` AND "${c}" IS ?`);
  const del = db.prepare(`DELETE FROM bench WHERE id = ?${guarded ? rest.join('') : ''}`);
  for (let i = 0; i < n; i++) {
    del.run(guarded ? [at.deleted(i), ...guarded.deleted[i]!] : [at.deleted(i)]);
    check();
  }
  del.free();
  const upd = db.prepare(`UPDATE bench SET qty = ? WHERE id = ?${guarded ? ' AND qty IS ?' : ''}`);
  for (let i = 0; i < n; i++) {
    upd.run(guarded ? [-i, at.updated(i), guarded.qty[i]!] : [-i, at.updated(i)]);
    check();
  }
  upd.free();
  const ins = db.prepare(`INSERT INTO bench VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  for (let i = 0; i < n; i++) ins.run(newRow(at.inserted(i), i));
  ins.free();
  db.run('COMMIT');
}

/** The values a guarded hand-written loop expects: deleted rows' other columns, updated rows' qty. */
interface Expected {
  readonly deleted: (number | string)[][];
  readonly qty: number[];
}

function expectedValues(rows: number, n: number): Expected {
  const data = benchData(rows);
  const at = planRows(rows);
  const col = (c: number) => data.columns[c] as ArrayLike<number | string>;
  return {
    deleted: Array.from({ length: n }, (_, i) =>
      COLUMNS.slice(1).map((_, c) => col(c + 1)[at.deleted(i) - 1]!),
    ),
    qty: Array.from({ length: n }, (_, i) => col(1)[at.updated(i) - 1] as number),
  };
}

/**
 * Another writer's commit between reading the table and pushing: a new city for 100 rows, half
 * of them rows the plan updates (whose guard, on qty, still holds), half rows it leaves alone.
 */
function otherWriter(rows: number): { ids: number[]; plan: ExecutionPlan } {
  const at = planRows(rows);
  const ids = [
    ...Array.from({ length: 50 }, (_, i) => at.updated(i * 2)),
    ...Array.from({ length: 50 }, (_, i) => rows - i),
  ];
  return { ids, plan: updatePlan(ids, 'city', (id) => `moved ${id}`) };
}

/** An unguarded plan setting `column` of the bench rows `ids` to `value(id)`. */
function updatePlan(
  ids: number[],
  column: string,
  value: (id: number) => number | string,
): ExecutionPlan {
  return {
    version: 1,
    steps: [
      {
        kind: 'update',
        table: 'bench',
        key: ['id'],
        keys: [ids],
        set: [column],
        values: [ids.map(value)],
        count: ids.length,
        guard: null,
        keyMoves: 'none',
      },
    ],
  };
}

type ApplyMode = 'based' | 'meanwhile' | 'noBasis';

const APPLY_NOTES: Record<ApplyMode, string> = {
  based:
    'library time includes working out what the database decided (updated rows as patches, inserted rows known, so nothing read back here); guards provably hold',
  meanwhile:
    "another writer's commit changed 100 rows between reading and pushing (untimed, done to both sides); the library checks the guards of the 50 of them that the plan updates",
  noBasis:
    'every guard of the 20k updated and deleted rows is checked, by both sides (the library inside its write statements, as this plan allows)',
};

/**
 * Apply 10k updates + 10k inserts + 10k deletes to a 1M-row table. `based`: the plan says its
 * table is as of the engine's latest commit, as `push()` says of a table no other writer touched
 * since it was read; the engine then knows the guards hold without checking a row. `meanwhile`:
 * another writer committed to 100 rows since; the engine checks the guards of those rows only.
 * `noBasis`: the plan says nothing of what its edits were based on (as a plan built by hand);
 * every guard is checked, and so the baseline checks the same guards.
 */
function applyCase(name: string, mode: ApplyMode): BenchCase {
  return {
    name,
    async run(p: BenchParams) {
      const bytes = await benchFile(p.rows);
      const plan = mixedPlan(p.rows, p.edits);
      const other = otherWriter(p.rows);
      const expected = mode === 'noBasis' ? expectedValues(p.rows, p.edits) : null;
      // In its worker, as in the product: there it has its own sql.js instance (in the page it
      // would share one with the baseline's database, and the two interfered: see README).
      const engine = await workerEngine(benchName('apply'), { persist: false });
      let run = plan;
      let db: Db | null = null;
      // Three times the pairs of other cases: a ratio of two medians on a noisy machine needs them.
      const [runs, baseRuns] = await timePairs(
        p.runs * 3,
        {
          // The time the worker took to apply the plan: what the loop beside it does, without
          // the plan's trip to the worker and the effects' trip back.
          fn: async () => (await engine.apply(run, { pushId: crypto.randomUUID() })).applyMs,
          setup: async () => {
            const { seq } = await engine.importDatabase(bytes);
            if (mode === 'meanwhile')
              await engine.apply(other.plan, { pushId: crypto.randomUUID() });
            run = mode === 'noBasis' ? plan : { ...plan, basis: [{ table: 'bench', seq }] };
          },
        },
        {
          fn: () => handWritten(db!, p.rows, p.edits, expected),
          setup: async () => {
            db?.close();
            db = await openBytes(bytes);
            if (mode !== 'meanwhile') return;
            // The other writer's commit, as one transaction like the library's.
            db.run('BEGIN');
            const stmt = db.prepare('UPDATE bench SET city = ? WHERE id = ?');
            for (const id of other.ids) stmt.run([`moved ${id}`, id]);
            stmt.free();
            db.run('COMMIT');
          },
        },
      );
      await engine.close();
      engine.terminate();
      (db as Db | null)?.close();
      return caseResult(
        this.name,
        'ms',
        runs,
        {
          name:
            mode === 'noBasis'
              ? 'hand-written per-row prepared statements, guards in their WHERE clauses'
              : 'hand-written per-row prepared statements',
          runs: baseRuns,
        },
        'ratio <= 1.0',
        (m, b) => m <= b!,
        { note: APPLY_NOTES[mode] },
      );
    },
  };
}

export const applyMixed = applyCase('apply 10k updates + 10k inserts + 10k deletes', 'based');
export const applyMeanwhile = applyCase(
  "apply 10k + 10k + 10k after another writer's commit to 100 rows",
  'meanwhile',
);
export const applyGuarded = applyCase(
  'apply 10k + 10k + 10k, plan without a basis: every guard checked',
  'noBasis',
);

async function wholeFilePut(bytes: Uint8Array): Promise<void> {
  const name = benchName('file');
  const idb = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('files') });
  await idb.put('files', bytes.slice(), 'db');
  idb.close();
  await deleteDB(name);
}

function persistenceCase(label: string, megabytes: (p: BenchParams) => number): BenchCase {
  return {
    name: `persistence of a 1-row push, ${label}`,
    async run(p: BenchParams) {
      const rows = rowsForMegabytes(megabytes(p));
      const bytes = await benchFile(rows);
      const name = benchName('persist');
      const engine = await pageEngine(name, { persist: true, shared: false });
      await engine.importDatabase(bytes);
      const written: number[] = [];
      const runs: number[] = [];
      for (let i = -1; i < Math.max(p.runs, 5); i++) {
        const r = await engine.apply(
          updatePlan([i + 2], 'qty', () => i),
          { pushId: crypto.randomUUID() },
        );
        if (i >= 0) {
          runs.push(r.persistMs);
          written.push(r.bytesPersisted);
        }
      }
      await engine.close();
      await deleteDB(`pandalchemy:${name}`);
      const db = await openBytes(bytes);
      const baseRuns = await timeRuns(Math.min(p.runs, 3), async () => {
        const file = db.export();
        await wholeFilePut(file);
      });
      db.close();
      const kib = median(written) / 1024;
      return caseResult(
        this.name,
        'ms',
        runs,
        { name: 'export() + put of the whole file', runs: baseRuns },
        '>= 30x faster, <= 16 KiB written',
        (m, b) => b! / m >= 30 && kib <= 16,
        {
          databaseBytes: bytes.byteLength,
          recordKiB: Number(kib.toFixed(2)),
          baselineBytes: bytes.byteLength,
        },
        (m, b) => b / m,
      );
    },
  };
}

export const persistSmall = persistenceCase('~20 MB database', (p) => p.dbMegabytes / 5);
export const persistBig = persistenceCase('~100 MB database', (p) => p.dbMegabytes);

/** Load a table through the worker into a tracked table, against a raw sql.js read in the page. */
export const loadTable: BenchCase = {
  name: 'load a 1M x 10 table into a tracked table',
  async run(p: BenchParams) {
    const bytes = await benchFile(p.rows);
    const name = benchName('load');
    const setup = await openDatabase(name);
    await setup.import(bytes);
    await setup.close();
    let db: Database | null = null;
    const runs = await timeRuns(
      Math.min(p.runs, 3),
      async () => {
        const t = await db!.table('bench');
        if (t.numRows !== p.rows) throw new Error('short read');
      },
      async () => {
        await db?.close();
        db = await openDatabase(name);
      },
    );
    await (db as Database | null)?.close();
    const raw = await openBytes(bytes);
    const baseRuns = await timeRuns(Math.min(p.runs, 3), () => {
      const stmt = raw.prepare('SELECT * FROM bench');
      const cols: unknown[][] = COLUMNS.map(() => []);
      while (stmt.step()) {
        const row = stmt.get();
        for (let c = 0; c < row.length; c++) cols[c]!.push(row[c]);
      }
      stmt.free();
      if (cols[0]!.length !== p.rows) throw new Error('short read');
    });
    raw.close();
    await deleteDB(`pandalchemy:${name}`);
    return caseResult(
      this.name,
      'ms',
      runs,
      { name: 'raw sql.js read of all rows into arrays', runs: baseRuns },
      'ratio <= 1.2',
      (m, b) => m / b! <= 1.2,
      { note: 'library: read in the worker, transfer, build the tracked table' },
    );
  },
};

/** End-to-end push of one edited cell on a 1M-row database. */
export const pushOneCell: BenchCase = {
  name: 'end-to-end push of one edited cell',
  async run(p: BenchParams) {
    const bytes = await benchFile(p.rows);
    const name = benchName('push');
    const db = await openDatabase(name);
    await db.import(bytes);
    const t = await db.table('bench');
    const runs: number[] = [];
    for (let i = -1; i < Math.max(10, p.runs * 4); i++) {
      const t0 = performance.now();
      t.set(1 + (((i + 1) * 7919) % p.rows), 'qty', i);
      await t.push();
      if (i >= 0) runs.push(performance.now() - t0);
    }
    await db.close();
    await deleteDB(`pandalchemy:${name}`);
    return caseResult(this.name, 'ms', runs, null, '<= 10 ms median', (m) => m <= 10);
  },
};

/** Reopen a big database with many redo records against opening its snapshot alone. */
export const reopen: BenchCase = {
  name: 'reopen with redo records',
  async run(p: BenchParams) {
    const bytes = await benchFile(rowsForMegabytes(p.dbMegabytes));
    const withLog = benchName('reopen');
    const plain = benchName('snapshot');
    const a = await pageEngine(withLog, { persist: true, shared: false });
    await a.importDatabase(bytes);
    for (let i = 0; i < p.records; i++) {
      await a.apply(
        updatePlan([1 + (i % 1000)], 'name', () => `r${i}`),
        { pushId: `r${i}` },
      );
    }
    await a.close();
    const b = await pageEngine(plain, { persist: true, shared: false });
    await b.importDatabase(bytes);
    await b.close();
    const open = (name: string) => async () => {
      const e = await pageEngine(name, { persist: true, shared: false });
      await e.close();
    };
    const runs = await timeRuns(Math.min(p.runs, 3), open(withLog));
    const baseRuns = await timeRuns(Math.min(p.runs, 3), open(plain));
    await deleteDB(`pandalchemy:${withLog}`);
    await deleteDB(`pandalchemy:${plain}`);
    return caseResult(
      this.name,
      'ms',
      runs,
      { name: 'opening the snapshot alone', runs: baseRuns },
      'ratio <= 1.5',
      (m, b) => m / b! <= 1.5,
      { records: p.records, databaseBytes: bytes.byteLength },
    );
  },
};

/** A tab behind by many commits catches up from the log, against reloading the snapshot. */
export const catchUp: BenchCase = {
  name: 'a tab behind catches up',
  async run(p: BenchParams) {
    const bytes = await benchFile(rowsForMegabytes(p.dbMegabytes));
    const name = benchName('behind');
    const writer = await pageEngine(name, { persist: true, shared: false });
    await writer.importDatabase(bytes);
    const runs: number[] = [];
    const baseRuns: number[] = [];
    for (let r = 0; r < Math.min(p.runs, 3); r++) {
      const reader = await pageEngine(name, { persist: true, shared: false });
      for (let i = 0; i < p.behind; i++) {
        await writer.apply(
          updatePlan([1 + i], 'qty', () => r * 1000 + i),
          {
            pushId: crypto.randomUUID(),
          },
        );
      }
      let t0 = performance.now();
      await reader.state();
      runs.push(performance.now() - t0);
      await reader.close();
      // The baseline reloads a snapshot that already holds those commits.
      await writer.checkpoint();
      t0 = performance.now();
      const again = await pageEngine(name, { persist: true, shared: false });
      baseRuns.push(performance.now() - t0);
      await again.close();
    }
    await writer.close();
    await deleteDB(`pandalchemy:${name}`);
    return caseResult(
      this.name,
      'ms',
      runs,
      { name: 'reloading the snapshot', runs: baseRuns },
      '>= 10x faster',
      (m, b) => b! / m >= 10,
      { behind: p.behind },
      (m, b) => b / m,
    );
  },
};
