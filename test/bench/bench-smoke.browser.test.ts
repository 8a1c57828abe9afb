import { describe, expect, test } from 'vitest';
import { CASES } from '../../bench/cases/index';

// The benchmarks never rot: every case runs at a tiny size and must report numbers. How fast
// they are is `npm run bench`'s business, never a test's.
describe('benchmark cases (smoke run at a tiny size)', () => {
  test.each(CASES.map((c) => [c.name, c] as const))(
    '%s runs and reports numbers',
    async (_name, c) => {
      const r = await c.run({
        rows: 2000,
        edits: 50,
        runs: 1,
        dbMegabytes: 1,
        records: 5,
        behind: 3,
      });
      expect(r.name).toBe(c.name);
      expect(Number.isFinite(r.median)).toBe(true);
      expect(r.runs).toBeGreaterThan(0);
      if (r.baseline) expect(Number.isFinite(r.baseline.median)).toBe(true);
      expect(typeof r.met).toBe('boolean');
    },
  );
});
