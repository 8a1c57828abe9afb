import type { ColumnValues, ExecutionPlan, InsertStep, PlanStep } from '../plan/execution-plan';
import type { SlicedWork } from '../schedule/run-in-slices';
import { packValuesWork, unpackValues } from './packed-text';

/**
 * A plan in its wire form, with the buffers to move: the columns of its inserts packed (see
 * `packValuesWork`). Cloned as they are, a million-row insert's text columns kept the page busy
 * for seconds; packed in slices and moved, they cost the page a few short tasks.
 *
 * @example
 * ```ts
 * const wire = await runInSlices(packPlanWork(plan));
 * worker.postMessage(wire.plan, wire.transfer); // the worker runs unpackPlan(plan)
 * ```
 */
export function* packPlanWork(
  plan: ExecutionPlan,
): SlicedWork<{ plan: ExecutionPlan; transfer: ArrayBuffer[] }> {
  // A malformed plan goes as it is: the engine refuses it with a typed error.
  if (!Array.isArray(plan?.steps) || !plan.steps.some(packable)) return { plan, transfer: [] };
  let total = 0;
  for (const s of plan.steps) if (packable(s)) total += s.values.length * s.count;
  const transfer: ArrayBuffer[] = [];
  const steps: PlanStep[] = [];
  let done = 0;
  for (const step of plan.steps) {
    if (!packable(step)) {
      steps.push(step);
      continue;
    }
    const values: ColumnValues[] = [];
    for (const column of step.values) {
      const packed = yield* packValuesWork(column, done, total);
      values.push(packed.values);
      transfer.push(...packed.transfer);
      done += step.count;
    }
    steps.push({ ...step, values });
  }
  return { plan: { ...plan, steps }, transfer };
}

/** A plan from its wire form (see {@link packPlanWork}); a plan that is not packed as it is. */
export function unpackPlan(plan: ExecutionPlan): ExecutionPlan {
  if (!Array.isArray(plan?.steps) || !plan.steps.some(packed)) return plan;
  return {
    ...plan,
    steps: plan.steps.map((s) => (packed(s) ? { ...s, values: s.values.map(unpackValues) } : s)),
  };
}

/** An insert step whose columns may have come packed. */
function packed(step: PlanStep): step is InsertStep {
  return (
    typeof step === 'object' &&
    step !== null &&
    step.kind === 'insert' &&
    Array.isArray(step.values)
  );
}

/** An insert step of the plan's shape, whose columns may go packed. */
function packable(step: PlanStep): step is InsertStep {
  return (
    typeof step === 'object' &&
    step !== null &&
    step.kind === 'insert' &&
    Number.isSafeInteger(step.count) &&
    Array.isArray(step.values) &&
    step.values.every((v) => Array.isArray(v) || v instanceof Float64Array)
  );
}
