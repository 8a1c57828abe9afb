import { describe, expect, test } from 'vitest';
import type { CaseResult } from '../../bench/bench-case';
import { CASES } from '../../bench/cases/index';

// The benchmarks never rot: every case runs at a tiny size and must report numbers. How fast
// they are is `npm run bench`'s business, never a test's.
describe('benchmark cases (smoke run at a tiny size)', () => {
  test.each(CASES.map((c) => [c.name, c] as const))(
    '%s runs and reports numbers',
    async (_name, c) => {
      const out = await c.run({
        rows: 2000,
        edits: 50,
        runs: 1,
        dbMegabytes: 1,
        records: 5,
        behind: 3,
        peerRows: 200,
        pushes: 10,
      });
      const results: readonly CaseResult[] = Array.isArray(out) ? out : [out];
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.name.startsWith(c.name)).toBe(true);
        expect(Number.isFinite(r.median)).toBe(true);
        expect(r.range[0]).toBeLessThanOrEqual(r.median);
        expect(r.range[1]).toBeGreaterThanOrEqual(r.median);
        expect(r.runs).toBeGreaterThan(0);
        if (r.baseline) expect(Number.isFinite(r.baseline.median)).toBe(true);
        expect(r.met === null || typeof r.met === 'boolean').toBe(true);
      }
    },
  );
});
