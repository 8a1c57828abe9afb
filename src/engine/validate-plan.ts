import { PandalchemyError } from '../errors/pandalchemy-error';
import { PLAN_VERSION, type ExecutionPlan, type PlanStep } from '../plan/execution-plan';

const KINDS = new Set<PlanStep['kind']>([
  'createTable',
  'dropTable',
  'dropColumn',
  'renameColumn',
  'addColumn',
  'retypeColumn',
  'delete',
  'update',
  'insert',
]);

/**
 * Checks a plan's shape before anything runs: plans cross a thread boundary and may be built or
 * changed by application code (plan passes), so the engine trusts nothing about them.
 */
export function validatePlan(plan: unknown): asserts plan is ExecutionPlan {
  const bad = (why: string): never => {
    throw new PandalchemyError(
      'invalid_plan',
      `This plan cannot run: ${why}. Build plans with buildPlan() or table.plan(); plan passes must keep their shape.`,
    );
  };
  if (typeof plan !== 'object' || plan === null) bad('it is not an object');
  const p = plan as { version?: unknown; steps?: unknown; basis?: unknown };
  if (p.version !== PLAN_VERSION) bad(`version ${String(p.version)} is not ${PLAN_VERSION}`);
  if (!Array.isArray(p.steps)) bad('it has no steps array');
  if (p.basis !== undefined) {
    const ok =
      Array.isArray(p.basis) &&
      p.basis.every(
        (b: { table?: unknown; seq?: unknown } | null) =>
          typeof b === 'object' &&
          b !== null &&
          typeof b.table === 'string' &&
          typeof b.seq === 'number' &&
          Number.isInteger(b.seq),
      );
    if (!ok) bad('its basis is not a list of { table, seq }');
  }
  (p.steps as unknown[]).forEach((s, i) => {
    const step = s as Partial<Record<string, unknown>>;
    if (typeof step !== 'object' || step === null) bad(`step ${i} is not an object`);
    if (!KINDS.has(step.kind as PlanStep['kind']))
      bad(`step ${i} has unknown kind ${String(step.kind)}`);
    if (typeof step.table !== 'string') bad(`step ${i} names no table`);
    if (step.kind === 'delete' || step.kind === 'update' || step.kind === 'insert') {
      const count = step.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        bad(`step ${i} has no row count`);
      const batches = [
        ...(step.kind === 'insert' ? [] : ((step.keys as unknown[] | undefined) ?? [null])),
        ...(step.kind === 'delete' ? [] : ((step.values as unknown[] | undefined) ?? [null])),
      ];
      for (const b of batches) {
        if (!(Array.isArray(b) || b instanceof Float64Array) || b.length !== count)
          bad(
            `step ${i} (${String(step.kind)}) has a batch whose length is not its count ${String(count)}`,
          );
      }
      const names =
        step.kind === 'delete' ? step.key : step.kind === 'update' ? step.set : step.columns;
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
        bad(`step ${i} lists no column names`);
    }
  });
}
