import { describe, expect, test } from 'vitest';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { ownedPlan, planTransfer } from '../../src/plan/plan-transfer';
import { trackedTable } from '../../src/index';
import * as aq from 'arquero';

/** A plan of every data step kind over numbers: each batch a Float64Array of its own. */
function numericPlan(): ExecutionPlan {
  const t = trackedTable(aq.table({ id: [1, 2, 3], v: Float64Array.of(1.5, 2.5, 3.5) }), {
    name: 't',
    key: 'id',
  });
  return t.set(1, 'v', 9).delete(2).insert({ id: 4, v: 4.5 }).plan();
}

/** Every Float64Array anywhere in a plan's steps. */
function typedArraysIn(plan: ExecutionPlan): Float64Array[] {
  const out: Float64Array[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Float64Array) out.push(v);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(plan.steps);
  return out;
}

describe('a plan moved to the worker', () => {
  test("moves only a push's own plan, each buffer once, never a view into a larger buffer", () => {
    const plan = numericPlan();
    expect(planTransfer(plan)).toEqual([]);
    const buffers = planTransfer(ownedPlan(plan));
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(new Set(buffers)).toEqual(new Set(typedArraysIn(plan).map((a) => a.buffer)));
    expect(buffers.length).toBeGreaterThanOrEqual(6);

    const shared = new Float64Array(4);
    const view = new Float64Array(new ArrayBuffer(64), 8, 2);
    const step = plan.steps.find((s) => s.kind === 'update')!;
    const withShared: ExecutionPlan = {
      ...plan,
      steps: [{ ...step, keys: [shared], values: [shared, view] } as typeof step],
    };
    expect(planTransfer(ownedPlan(withShared)).filter((b) => b === shared.buffer)).toHaveLength(1);
    expect(planTransfer(withShared)).not.toContain(view.buffer);
  });
});
