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
  /** Commits a tab is behind for the catch-up case, and saves before the peers reopen (100). */
  readonly behind: number;
  /** Rows of the table the peers are compared on (default 100,000). */
  readonly peerRows: number;
  /** One-row pushes of the latency case (default 1,000). */
  readonly pushes: number;
  /** Measured runs per case (at least 5 in a full run; the median is reported). */
  readonly runs: number;
  /** Reports JS heap bytes after a full GC, when the runner can (precise, via DevTools). */
  readonly heap?: () => Promise<number>;
  /**
   * Reports the memory of the browser's renderer processes (the page and its workers), in bytes,
   * after a full GC of the page, when the runner can read it from the operating system.
   */
  readonly rendererMemory?: () => Promise<number | null>;
  /**
   * Reports the bytes the browser's processes have written to files so far (their `write()`
   * calls, as the operating system counts them), when the runner can read it.
   */
  readonly bytesWritten?: () => Promise<number | null>;
  readonly log?: (message: string) => void;
}

/** Units a case reports in. */
export type Unit = 'ms' | 'us' | 'MB' | 'KiB';

/** Median, range and count of a set of measurements. */
export interface Summary {
  readonly median: number;
  /** Smallest and largest measurement. */
  readonly range: readonly [number, number];
  /** How many measurements. */
  readonly runs: number;
}

/** One measured case, side by side with its baseline or peer from the same run. */
export interface CaseResult extends Summary {
  readonly name: string;
  readonly unit: Unit;
  readonly baseline: (Summary & { readonly name: string }) | null;
  /** median / baseline median (for "x times faster" targets: baseline median / median). */
  readonly ratio: number | null;
  readonly target: string;
  /** Judged on the medians; null for a figure reported without a target. */
  readonly met: boolean | null;
  /** Extra figures worth reporting (bytes written, percentiles...). */
  readonly notes?: Record<string, number | string>;
}

/** A benchmark case. */
export interface BenchCase {
  readonly name: string;
  run(params: BenchParams): Promise<CaseResult | readonly CaseResult[]>;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The `p`-th percentile (0-100) of a list of numbers, by the nearest-rank method: the smallest
 * value that at least p % of the values do not exceed.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

/**
 * Median, range and count of measurements.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { median: 2, range: [1, 3], runs: 3 }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    range: [Math.min(...values), Math.max(...values)],
    runs: values.length,
  };
}

/** What a case measured, as {@link caseResult} turns it into a {@link CaseResult}. */
export interface Measured {
  readonly name: string;
  readonly unit: Unit;
  readonly runs: readonly number[];
  readonly baseline?: { readonly name: string; readonly runs: readonly number[] } | null;
  readonly target: string;
  /**
   * Whether the target is met, from the medians (the baseline's is null without one); null for a
   * figure reported without a target.
   */
  readonly met: ((median: number, baseline: number | null) => boolean) | null;
  /** The ratio reported: median / baseline by default. */
  readonly ratio?: (median: number, baseline: number) => number;
  readonly notes?: Record<string, number | string>;
}

/**
 * A case's result from its measurements: medians, ranges and counts of both sides, the ratio,
 * and whether the target is met, judged on the medians.
 *
 * @example
 * ```ts
 * caseResult({ name: 'push', unit: 'ms', runs, target: '<= 3 ms', met: (m) => m <= 3 });
 * ```
 */
export function caseResult(m: Measured): CaseResult {
  const own = summarize(m.runs);
  const base = m.baseline ? { name: m.baseline.name, ...summarize(m.baseline.runs) } : null;
  return {
    name: m.name,
    unit: m.unit,
    ...own,
    baseline: base,
    ratio: base ? (m.ratio ?? ((a, b) => a / b))(own.median, base.median) : null,
    target: m.target,
    met: m.met ? m.met(own.median, base?.median ?? null) : null,
    ...(m.notes ? { notes: m.notes } : {}),
  };
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
