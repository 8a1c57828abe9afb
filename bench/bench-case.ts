/** Sizes and repetitions of a benchmark run. */
export interface BenchParams {
  /** Rows of the big table (default 1,000,000). */
  readonly rows: number;
  /** Edits, inserts, updates, deletes (default 10,000). */
  readonly edits: number;
  /** Target size of the "big database" cases in MB (default 100). */
  readonly dbMegabytes: number;
  /** Redo records for the reopen case (default 1,000). */
  readonly records: number;
  /** Commits a tab is behind for the catch-up case (default 100). */
  readonly behind: number;
  /** Measured runs per case (the median is reported). */
  readonly runs: number;
  /** Reports JS heap bytes after a full GC, when the runner can (precise, via DevTools). */
  readonly heap?: () => Promise<number>;
  readonly log?: (message: string) => void;
}

/** One measured case, side by side with its baseline from the same run. */
export interface CaseResult {
  readonly name: string;
  readonly unit: 'ms' | 'us' | 'MB' | 'KiB';
  readonly median: number;
  readonly runs: number;
  readonly baseline: {
    readonly name: string;
    readonly median: number;
    readonly runs: number;
  } | null;
  /** median / baseline median (for "x times faster" targets: baseline median / median). */
  readonly ratio: number | null;
  readonly target: string;
  readonly met: boolean;
  /** Extra figures worth reporting (bytes written...). */
  readonly notes?: Record<string, number | string>;
}

/** A benchmark case. */
export interface BenchCase {
  readonly name: string;
  run(params: BenchParams): Promise<CaseResult>;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A full garbage collection, where the page exposes one (the runner starts Chromium with
 * --expose-gc). Building a case's data (a 1M-row table is ~100 MB) leaves the collector a marking
 * cycle to run; without this, whichever runs come first pay for it.
 */
export function settleHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs `fn` `runs` times and returns each duration in ms (after one unmeasured warm-up run). The
 * heap is settled once before the warm-up: garbage from building the data is not billed to the
 * first runs, while garbage the runs themselves make still is.
 */
export async function timeRuns(
  runs: number,
  fn: () => unknown,
  setup?: () => unknown,
): Promise<number[]> {
  const out: number[] = [];
  settleHeap();
  for (let i = -1; i < runs; i++) {
    if (setup) await setup();
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    if (i >= 0) out.push(dt);
  }
  return out;
}

/**
 * One side of a paired measurement: what is timed, and what runs untimed before it. An `fn` that
 * resolves to a number reports its own duration in ms, measured where the work ran (a worker).
 */
export interface Timed {
  readonly fn: () => unknown;
  readonly setup?: () => unknown;
}

/**
 * Times `a` and `b` `runs` times each, alternating (a b, then b a, ...), after one unmeasured
 * round of each. Where two sides are close, as a library and its baseline are, alternating puts
 * both under the same drift of a shared machine; timing all of one side first would bill a busy
 * minute to one side only.
 */
export async function timePairs(runs: number, a: Timed, b: Timed): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  settleHeap();
  const once = async (side: Timed, i: number, into: number[]): Promise<void> => {
    if (side.setup) await side.setup();
    const t0 = performance.now();
    const own = await side.fn();
    const dt = typeof own === 'number' ? own : performance.now() - t0;
    if (i >= 0) into.push(dt);
  };
  for (let i = -1; i < runs; i++) {
    const order = i % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const k of order) await once(k === 0 ? a : b, i, times[k]);
  }
  return times;
}
