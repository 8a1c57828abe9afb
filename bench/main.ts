import type { BenchParams, CaseResult } from './bench-case';
import { CASES } from './cases/index';

/** What the runner (`run.mjs`) passes in: sizes and repetitions, never functions. */
type RunParams = Omit<BenchParams, 'heap' | 'rendererMemory' | 'bytesWritten' | 'log'>;

declare global {
  interface Window {
    __benchHeap?: () => Promise<number>;
    __benchRendererMemory?: () => Promise<number | null>;
    __benchBytesWritten?: () => Promise<number | null>;
    __runBench?: (params: RunParams, only?: string) => Promise<CaseResult[]>;
    __benchReady?: boolean;
  }
}

window.__runBench = async (params, only) => {
  const results: CaseResult[] = [];
  const { __benchHeap: heap, __benchRendererMemory: memory, __benchBytesWritten: written } = window;
  for (const c of CASES) {
    if (only && !c.name.includes(only)) continue;
    console.log(`bench: ${c.name} ...`);
    try {
      const r = await c.run({
        ...params,
        ...(heap ? { heap } : {}),
        ...(memory ? { rendererMemory: memory } : {}),
        ...(written ? { bytesWritten: written } : {}),
        log: (m) => console.log(`bench:   ${m}`),
      });
      results.push(...(Array.isArray(r) ? r : [r as CaseResult]));
    } catch (e) {
      // One case failing must not cost the others: it is reported as a miss with its error.
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      console.log(`bench:   FAILED: ${error}`);
      results.push({
        name: c.name,
        unit: 'ms',
        median: NaN,
        range: [NaN, NaN],
        runs: 0,
        baseline: null,
        ratio: null,
        target: 'runs to the end',
        met: false,
        notes: { error },
      });
    }
  }
  return results;
};
window.__benchReady = true;
