import type { ExecutionPlan } from './execution-plan';

/** Plans whose typed arrays were made for them alone (see {@link ownedPlan}). */
const owned = new WeakSet<ExecutionPlan>();

/**
 * Marks a plan whose typed arrays nothing else holds (a push's plan, built from the table's
 * pending edits just before it is sent): its buffers may be moved to the worker rather than
 * copied, leaving the plan's arrays empty. A plan built or passed by an app is never marked: its
 * arrays may be the app's own.
 *
 * @example
 * ```ts
 * const plan = ownedPlan(buildPlan([table.diff()]));
 * ```
 */
export function ownedPlan(plan: ExecutionPlan): ExecutionPlan {
  owned.add(plan);
  return plan;
}

/**
 * The buffers to move with a plan marked by {@link ownedPlan}: those of its typed arrays that
 * span a whole buffer, each once. Empty for any other plan. A million-row column is 8 MB: copied,
 * the structured clone of a plan with four of them kept the page busy for about 350 ms.
 */
export function planTransfer(plan: ExecutionPlan): ArrayBuffer[] {
  if (!owned.has(plan)) return [];
  const buffers = new Set<ArrayBuffer>();
  const add = (values: unknown): void => {
    if (
      values instanceof Float64Array &&
      values.buffer instanceof ArrayBuffer &&
      values.byteOffset === 0 &&
      values.byteLength === values.buffer.byteLength
    )
      buffers.add(values.buffer);
  };
  for (const step of plan.steps) {
    if (step.kind === 'insert') {
      step.values.forEach(add);
      continue;
    }
    if (step.kind !== 'delete' && step.kind !== 'update') continue;
    step.keys.forEach(add);
    if (step.kind === 'update') step.values.forEach(add);
    step.guard?.keys.forEach(add);
    step.guard?.expected.forEach(add);
  }
  return [...buffers];
}
