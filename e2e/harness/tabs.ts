// The harness page of e2e/tabs-under-load.spec.ts: the production build serves it next to the
// playground, and the test drives the library in several tabs through `window.harness`.
import * as aq from 'arquero';
import {
  ConflictError,
  PandalchemyError,
  openDatabase,
  type ConflictDetail,
  type Database,
  type DatabaseTable,
  type RebaseConflict,
  type RowChange,
} from '../../src/index';

/** The table every tab writes: one counter column per tab, and one column they all increment. */
export const TABLE = 'counters';

/** What one tab does. */
export interface WriterOptions {
  readonly name: string;
  /** Index of this tab (0-based) among `tabs`. */
  readonly tab: number;
  readonly tabs: number;
  /** The column only this tab increments. */
  readonly column: string;
  readonly pushes: number;
  readonly seed: number;
  /** Rows 1..rows exist. */
  readonly rows: number;
  /** Most `shared` increments go to rows 1..hotRows, so that the tabs collide there. */
  readonly hotRows: number;
  /** Chance that a row of a push also increments `shared`. */
  readonly sharedChance: number;
  /** Chance that a tab holds its edits until another tab commits before pushing them. */
  readonly waitChance: number;
}

/** What one tab did and saw. */
export interface WriterReport {
  readonly tab: number;
  readonly column: string;
  /** Successful increments of the tab's own column, by row (index = id - 1). */
  readonly own: number[];
  /** Successful increments of `shared` by this tab, by row. */
  readonly shared: number[];
  /** Successful pushes, and every push() call (successful or refused). */
  pushes: number;
  attempts: number;
  /** Pushes refused with a conflict error (each one was retried). */
  conflicts: number;
  /** Pushes that needed at least one retry, and the most attempts one push took. */
  conflictedPushes: number;
  maxAttempts: number;
  /** Retries after `refresh()` rebased the edits, and after discard + refresh + edit again. */
  rebaseRetries: number;
  reloadRetries: number;
  /** (row, column) cells named by conflict errors. */
  conflictCells: number;
  /** Successful pushes made while the table knew it was behind another tab's commit. */
  stalePushes: number;
  /** Times the tab held its edits until another tab committed; how many ended with a commit. */
  waits: number;
  waitsEndedByCommit: number;
  /** Commit sequence number of every successful push. */
  readonly seqs: number[];
  ms: number;
}

/** One row's part of a push. */
interface Step {
  readonly id: number;
  readonly shared: boolean;
  /** The `shared` value the increment was computed from. */
  base: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same pushes. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let db: Database | null = null;

/** The seqs of the change events this tab's database emitted: all in order, and by source. */
export interface Heard {
  all: number[];
  local: number[];
  remote: number[];
}
let heard: Heard = { all: [], local: [], remote: [] };

function requireDb(): Database {
  if (!db) throw new Error('harness: call open() first');
  return db;
}

/** Opens the database in this tab; returns the seq it opened at. */
async function open(name: string, checkpointBytes?: number): Promise<number> {
  db = await openDatabase(name, checkpointBytes ? { checkpointBytes } : {});
  heard = { all: [], local: [], remote: [] };
  db.on('change', (event) => {
    heard.all.push(event.seq);
    if (event.source !== 'import') heard[event.source].push(event.seq);
  });
  return db.seq;
}

/** Creates the table: rows 1..rows, every counter 0. Returns the seq of the commit. */
async function createCounters(rows: number): Promise<number> {
  const d = requireDb();
  const ids = Array.from({ length: rows }, (_, i) => i + 1);
  const zeros = () => ids.map(() => 0);
  await d.createTable(
    TABLE,
    aq.table({ id: ids, shared: zeros(), a: zeros(), b: zeros(), c: zeros() }),
    {
      primaryKey: 'id',
      types: { id: 'INTEGER', shared: 'INTEGER', a: 'INTEGER', b: 'INTEGER', c: 'INTEGER' },
    },
  );
  return d.seq;
}

/**
 * Takes in every commit and returns the table as this tab holds it, as its worker's SQLite holds
 * it, the seq of the last commit taken in, and the change events heard.
 */
async function refreshedRows(): Promise<{
  seq: number;
  rows: object[];
  sql: object[];
  stale: boolean;
  heard: Heard;
}> {
  const d = requireDb();
  await d.refresh();
  const t = await d.table(TABLE);
  const sql = (await d.query(`SELECT * FROM "${TABLE}" ORDER BY id`)).objects();
  return { seq: d.seq, rows: t.table().objects(), sql, stale: t.stale, heard };
}

/**
 * Tells the other tabs of this page's state, so that a tab waiting for another tab's commit stops
 * waiting when every other tab is waiting too or finished (nobody would commit).
 */
class TabStates {
  readonly #channel: BroadcastChannel;
  readonly #states: string[];
  readonly #tab: number;
  #listener: (() => void) | null = null;

  constructor(name: string, tab: number, tabs: number) {
    this.#tab = tab;
    this.#states = Array.from({ length: tabs }, () => 'running');
    this.#channel = new BroadcastChannel(`harness:${name}`);
    this.#channel.onmessage = (event: MessageEvent<{ tab: number; state: string }>) => {
      this.#states[event.data.tab] = event.data.state;
      this.#listener?.();
    };
  }

  set(state: 'running' | 'waiting' | 'done'): void {
    this.#states[this.#tab] = state;
    this.#channel.postMessage({ tab: this.#tab, state });
  }

  /** Whether every other tab is waiting or done. */
  get othersIdle(): boolean {
    return this.#states.every((s, i) => i === this.#tab || s !== 'running');
  }

  onChange(listener: (() => void) | null): void {
    this.#listener = listener;
  }

  close(): void {
    this.#channel.close();
  }
}

function fail(options: WriterOptions, push: number, message: string): never {
  throw new Error(`tab ${options.tab} (seed ${options.seed}), push ${push}: ${message}`);
}

/** The pending update of row `id`, if any. */
function pendingUpdate(t: DatabaseTable, id: number): RowChange | undefined {
  return t.changes().updates.find((u) => Number(u.key[0]) === id);
}

function num(value: unknown): number {
  return Number(value);
}

/**
 * Pushes `options.pushes` times. Each push increments the tab's own column of 1 to 3 random rows
 * and, for some of them, `shared`, computed from the values the tab holds (which may be behind
 * another tab's commit). A refused push must be a typed conflict error naming exactly rows whose
 * `shared` another tab changed; the tab then refreshes (rebasing its edits, or discarding them and
 * editing again) and pushes again until the push succeeds.
 */
async function runWriter(options: WriterOptions): Promise<WriterReport> {
  const d = requireDb();
  const t = await d.table(TABLE);
  const random = seededRandom(options.seed);
  const states = new TabStates(options.name, options.tab, options.tabs);
  const col = options.column;
  const report: WriterReport = {
    tab: options.tab,
    column: col,
    own: new Array<number>(options.rows).fill(0),
    shared: new Array<number>(options.rows).fill(0),
    pushes: 0,
    attempts: 0,
    conflicts: 0,
    conflictedPushes: 0,
    maxAttempts: 0,
    rebaseRetries: 0,
    reloadRetries: 0,
    conflictCells: 0,
    stalePushes: 0,
    waits: 0,
    waitsEndedByCommit: 0,
    seqs: [],
    ms: 0,
  };
  let remoteCommitSignal: (() => void) | null = null;
  const unsubscribe = d.on('change', (event) => {
    if (event.source === 'remote') remoteCommitSignal?.();
  });

  /** Holds the edits until another tab commits, unless every other tab waits or is done. */
  const waitForAnotherCommit = async (): Promise<void> => {
    if (states.othersIdle) return;
    report.waits++;
    states.set('waiting');
    const byCommit = await new Promise<boolean>((resolve) => {
      remoteCommitSignal = () => resolve(true);
      states.onChange(() => {
        if (states.othersIdle) resolve(false);
      });
    });
    remoteCommitSignal = null;
    states.onChange(null);
    states.set('running');
    if (byCommit) report.waitsEndedByCommit++;
  };

  /** Increments the tab's column (and `shared` where asked) of the steps' rows. */
  const edit = (steps: readonly Step[], push: number): void => {
    for (const s of steps) {
      const row = t.row(s.id);
      if (!row) fail(options, push, `row ${s.id} is missing`);
      const own = num(row[col]);
      if (own !== report.own[s.id - 1])
        fail(options, push, `row ${s.id} ${col} is ${own}, this tab made ${report.own[s.id - 1]}`);
      s.base = num(row['shared']);
      t.update(s.id, s.shared ? { [col]: own + 1, shared: s.base + 1 } : { [col]: own + 1 });
    }
  };

  /** Checks that a refused push was refused for a real, precisely named conflict. */
  const checkConflict = (e: unknown, steps: readonly Step[], push: number): ConflictError => {
    if (!(e instanceof ConflictError) || !(e instanceof PandalchemyError)) throw e;
    if (e.code !== 'conflict') fail(options, push, `conflict error with code ${e.code}`);
    if (!e.conflicts.length) fail(options, push, 'conflict error naming no row');
    const named = new Set<number>();
    for (const c of e.conflicts) {
      const id = num(c.key[0]);
      const step = steps.find((s) => s.id === id);
      if (c.table !== TABLE || c.missing || c.key.length !== 1 || named.has(id))
        fail(options, push, `unexpected conflict ${JSON.stringify(c)}`);
      named.add(id);
      // Only `shared` is written by several tabs: a conflict on any other column is spurious.
      if (!step?.shared || c.columns.length !== 1 || c.columns[0] !== 'shared')
        fail(
          options,
          push,
          `conflict on row ${id} (${c.columns.join(', ')}) that this push did not contest: ` +
            `it touched ${JSON.stringify(steps)}`,
        );
    }
    const first = e.conflicts[0]!;
    if (e.table !== TABLE || JSON.stringify(e.key) !== JSON.stringify(first.key))
      fail(options, push, `conflict error context ${e.table} ${JSON.stringify(e.key)}`);
    for (const c of e.conflicts.slice(0, 3)) {
      if (!e.message.includes(`${TABLE} ${JSON.stringify(c.key)} (shared)`))
        fail(
          options,
          push,
          `conflict message does not name ${JSON.stringify(c.key)}: ${e.message}`,
        );
    }
    report.conflictCells += e.conflicts.length;
    return e;
  };

  /** The stored `shared` of every conflicting row moved on from what the edit was based on. */
  const checkReal = (
    conflicts: readonly ConflictDetail[],
    steps: readonly Step[],
    push: number,
  ): void => {
    for (const c of conflicts) {
      const id = num(c.key[0]);
      const step = steps.find((s) => s.id === id)!;
      const now = num(t.row(id)?.['shared']);
      if (!(now > step.base))
        fail(options, push, `row ${id} conflicted but shared is ${now}, edited from ${step.base}`);
    }
  };

  /** refresh() rebases the edits: the contested `shared` edits are dropped, the rest kept. */
  const retryRebased = async (e: ConflictError, steps: Step[], push: number): Promise<void> => {
    report.rebaseRetries++;
    const rebased: readonly RebaseConflict[] = await t.refresh();
    // Every row the push was refused for is contested by the rebase, on `shared` only, and the
    // local edit dropped (keepRemote); the rebase may name more rows if more commits came in.
    for (const c of e.conflicts) {
      const r = rebased.find((x) => JSON.stringify(x.key) === JSON.stringify(c.key));
      if (!r || r.type !== 'update' || r.kept || r.columns.join() !== 'shared')
        fail(
          options,
          push,
          `refresh() after a conflict on ${JSON.stringify(c.key)} reported ${JSON.stringify(rebased)}`,
        );
    }
    checkReal(e.conflicts, steps, push);
    for (const s of steps) {
      const u = pendingUpdate(t, s.id);
      const row = t.row(s.id)!;
      if (!u || num(u.newValues?.[col]) !== report.own[s.id - 1]! + 1)
        fail(options, push, `the rebase lost the edit of row ${s.id} ${col}: ${JSON.stringify(u)}`);
      if (s.shared && !u.columns.includes('shared')) {
        s.base = num(row['shared']);
        t.set(s.id, 'shared', s.base + 1);
      } else if (s.shared && num(u.newValues?.['shared']) !== num(u.oldValues?.['shared']) + 1) {
        fail(options, push, `the rebase changed the edit of row ${s.id}: ${JSON.stringify(u)}`);
      }
    }
  };

  /** Drops the edits, takes the other tabs' commits in, and edits again. */
  const retryReloaded = async (e: ConflictError, steps: Step[], push: number): Promise<void> => {
    report.reloadRetries++;
    t.discard();
    if (t.hasChanges) fail(options, push, 'discard() kept changes');
    await t.refresh();
    checkReal(e.conflicts, steps, push);
    edit(steps, push);
  };

  const start = performance.now();
  try {
    for (let push = 0; push < options.pushes; push++) {
      const n = 1 + Math.floor(random() * 3);
      const steps: Step[] = [];
      while (steps.length < n) {
        const hot = random() < 0.5;
        const id = 1 + Math.floor(random() * (hot ? options.hotRows : options.rows));
        if (steps.some((s) => s.id === id)) continue;
        steps.push({ id, shared: random() < options.sharedChance, base: 0 });
      }
      edit(steps, push);
      if (random() < options.waitChance) await waitForAnotherCommit();
      for (let attempt = 1; ; attempt++) {
        if (attempt > 100) fail(options, push, 'still refused after 100 attempts');
        const stale = t.stale;
        report.attempts++;
        try {
          const result = await t.push();
          report.pushes++;
          report.seqs.push(result.seq);
          report.maxAttempts = Math.max(report.maxAttempts, attempt);
          if (attempt > 1) report.conflictedPushes++;
          if (stale) report.stalePushes++;
          if (t.hasChanges) fail(options, push, 'changes left after a successful push');
          for (const s of steps) {
            report.own[s.id - 1]!++;
            if (s.shared) report.shared[s.id - 1]!++;
          }
          break;
        } catch (e) {
          const conflict = checkConflict(e, steps, push);
          report.conflicts++;
          if (random() < 0.5) await retryRebased(conflict, steps, push);
          else await retryReloaded(conflict, steps, push);
        }
      }
    }
  } finally {
    report.ms = performance.now() - start;
    states.set('done');
    states.onChange(null);
    states.close();
    unsubscribe();
  }
  return report;
}

async function close(): Promise<void> {
  await db?.close();
  db = null;
}

const harness = { open, createCounters, runWriter, refreshedRows, close };

/** The API the end-to-end test calls with `page.evaluate`. */
export type TabsHarness = typeof harness;

declare global {
  interface Window {
    harness: TabsHarness;
    pandalchemy: { openDatabase: typeof openDatabase };
  }
}

window.harness = harness;
window.pandalchemy = { openDatabase };
document.body.dataset['ready'] = 'true';
