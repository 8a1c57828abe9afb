import { PandalchemyError } from '../errors/pandalchemy-error';
import {
  PLAN_VERSION,
  STEP_ORDER,
  type ExecutionPlan,
  type PlanStep,
} from '../plan/execution-plan';
import { article } from './plan-keys';
import { DATA_STEP_SPECS } from './validate/data-step-specs';
import { ignore, name, record } from './validate/field-checks';
import { bad, isObject, Malformed, shown, type Check } from './validate/malformed';
import { SCHEMA_STEP_SPECS } from './validate/schema-step-specs';
import type { StepSpec } from './validate/step-spec';

const KINDS: ReadonlySet<string> = new Set(Object.keys(STEP_ORDER));

/** Each kind's fields: see `validate/schema-step-specs.ts` and `validate/data-step-specs.ts`. */
const STEPS: { readonly [K in PlanStep['kind']]: StepSpec } = {
  ...SCHEMA_STEP_SPECS,
  ...DATA_STEP_SPECS,
};

const step: Check = (v, at) => {
  if (!isObject(v)) return bad(at, `is ${shown(v)}, not a step`);
  const kind = v['kind'];
  if (typeof kind !== 'string' || !KINDS.has(kind))
    return bad(`${at}.kind`, `is ${shown(kind)}, not a kind of step`);
  const spec = STEPS[kind as PlanStep['kind']];
  record({ kind: ignore, table: name, ...spec.fields })(v, at);
  spec.consistent?.(v, at);
};

const basis: Check = (v, at) => {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of { table, seq }`);
  const seen = new Set<string>();
  v.forEach((b: unknown, i) => {
    record({
      table: name,
      seq: (s, a) => {
        if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)
          bad(a, `is ${shown(s)}, not a commit number`);
      },
    })(b, `${at}[${i}]`);
    const table = (b as { table: string }).table;
    if (seen.has(table)) bad(`${at}[${i}].table`, `names ${JSON.stringify(table)} twice`);
    seen.add(table);
  });
};

/**
 * Checks a plan's shape before anything runs, in full: plans cross a thread boundary, may be
 * changed by application code (plan passes) and may come from a network, so the engine trusts
 * nothing about them. Every field of every step is checked by the step's `kind` (each kind's
 * fields are listed in `STEPS`), values included; steps must be in {@link STEP_ORDER}. A plan
 * that is not exactly well formed is refused with `invalid_plan`, whose `field` names the first
 * field found wrong (`steps[2].values[1]`) and whose `step` names the step's kind.
 *
 * @example
 * ```ts
 * validatePlan({ version: 2, steps: [{ kind: 'dropTable', table: 't' }] }); // passes
 * validatePlan({ version: 2, steps: [{ kind: 'dropTable', table: 't', priority: 0 }] });
 * // throws invalid_plan: steps[0].priority is not a field of this object
 * ```
 */
export function validatePlan(plan: unknown): asserts plan is ExecutionPlan {
  try {
    record({
      version: (v, at) => {
        if (v !== PLAN_VERSION) bad(at, `is ${shown(v)}, not ${PLAN_VERSION}`);
      },
      steps: (v, at) => {
        if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of steps`);
        let order = -1;
        v.forEach((s: unknown, i) => {
          step(s, `${at}[${i}]`);
          const kind = (s as PlanStep).kind;
          if (STEP_ORDER[kind] < order)
            bad(`${at}[${i}].kind`, `is '${kind}', which runs before the steps listed ahead of it`);
          order = STEP_ORDER[kind];
        });
      },
      'basis?': basis,
    })(plan, 'plan');
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    const index = /^plan\.steps\[(\d+)\]/.exec(e.path)?.[1];
    const s = index === undefined ? undefined : (plan as ExecutionPlan).steps[Number(index)];
    const where =
      s && typeof s.kind === 'string' && KINDS.has(s.kind)
        ? ` (${article(s.kind)} step${typeof s.table === 'string' ? ` of table ${JSON.stringify(s.table.slice(0, 60))}` : ''})`
        : '';
    const field = e.path.replace(/^plan\.?/, '') || 'plan';
    throw new PandalchemyError(
      'invalid_plan',
      `This plan cannot run: ${field}${where} ${e.why}. Nothing was written. Build plans with table.plan() or db.plan(), and keep their shape in plan passes.`,
      {
        field,
        ...(s && typeof s.kind === 'string' ? { step: s.kind } : {}),
        ...(s && typeof s.table === 'string' ? { table: s.table } : {}),
      },
    );
  }
}
