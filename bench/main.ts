import type { BenchParams, CaseResult } from './bench-case';
import { CASES } from './cases/index';

declare global {
  interface Window {
    __benchHeap?: () => Promise<number>;
    __runBench?: (
      params: Omit<BenchParams, 'heap' | 'log'>,
      only?: string,
    ) => Promise<CaseResult[]>;
    __benchReady?: boolean;
  }
}

window.__runBench = async (params, only) => {
  const results: CaseResult[] = [];
  for (const c of CASES) {
    if (only && !c.name.includes(only)) continue;
    console.log(`bench: ${c.name} ...`);
    const heap = window.__benchHeap;
    results.push(
      await c.run({
        ...params,
        ...(heap ? { heap } : {}),
        log: (m) => console.log(`bench:   ${m}`),
      }),
    );
  }
  return results;
};
window.__benchReady = true;
