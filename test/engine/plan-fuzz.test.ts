import { describe, expect, it } from 'vitest';
import { createFuzzTables, planFuzz } from '../support/plan-fuzz';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

const RUNS = Number(process.env['PLAN_FUZZ_RUNS'] ?? 300);
const SEED = process.env['PLAN_FUZZ_SEED'] ? Number(process.env['PLAN_FUZZ_SEED']) : undefined;

describe('plans from outside (the engine in Node, real sql.js)', () => {
  it(`refuses ${RUNS} random, junk and one-field-mutated plans whole, and applies the well-formed ones in full`, async () => {
    const db = await nodeDatabase(new MemoryStorage());
    await createFuzzTables(db);
    const report = await planFuzz(db, RUNS, SEED);
    expect(report.refused).toBeGreaterThan(RUNS / 2);
    expect(report.applied).toBeGreaterThan(0);
    console.log(
      `plan fuzz: ${report.refused} refused, ${report.applied} applied, ${report.mutations.size} kinds of mutation`,
    );
    await db.close();
  }, 300_000);
});
