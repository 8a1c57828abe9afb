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
    const r = await c.run({
      ...params,
      ...(heap ? { heap } : {}),
      ...(memory ? { rendererMemory: memory } : {}),
      ...(written ? { bytesWritten: written } : {}),
      log: (m) => console.log(`bench:   ${m}`),
    });
    results.push(...(Array.isArray(r) ? r : [r as CaseResult]));
  }
  return results;
};
window.__benchReady = true;
