import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database';
import { createFuzzTables, dump, planFuzz } from '../support/plan-fuzz';

const RUNS = 60;

describe('plans from outside, through the worker', () => {
  it(`refuses ${RUNS} random, junk and one-field-mutated plans whole, and applies the well-formed ones in full`, async () => {
    const name = `plan-fuzz-${crypto.randomUUID()}`;
    const db = await openDatabase(name);
    try {
      await createFuzzTables(db);
      const report = await planFuzz(db, RUNS);
      expect(report.refused).toBeGreaterThan(RUNS / 2);
      // What is stored (read by a second instance) is what the first holds.
      const again = await openDatabase(name);
      try {
        expect(await dump(again, true)).toBe(await dump(db, true));
      } finally {
        await again.close();
      }
    } finally {
      await db.close();
    }
  }, 300_000);
});
