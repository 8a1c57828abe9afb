import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/engine/validate-plan';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { decodePlan, encodePlan } from '../../src/plan/plan-json';
import { exactlyEqual } from '../support/exactly-equal';
import { planArbitrary } from '../support/plan-arbitrary';
import { planMutations } from '../support/plan-mutations';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

const schema = JSON.parse(
  readFileSync(new URL('../../docs/plan.schema.json', import.meta.url), 'utf8'),
) as object;
// Strict: a schema keyword ajv does not know is an error, so the schema says what it seems to.
const matchesSchema = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

/** The reason a text does not match the schema, for failure messages. */
function schemaErrors(text: string): string {
  return matchesSchema(JSON.parse(text)) ? '' : JSON.stringify(matchesSchema.errors?.slice(0, 3));
}

function refusal(fn: () => unknown): PandalchemyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('it was accepted');
}

describe('plans as JSON text', () => {
  it('round-trips random plans exactly, and writes text the JSON Schema accepts', () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        validatePlan(plan);
        const text = encodePlan(plan);
        expect(schemaErrors(text), text).toBe('');
        expect(exactlyEqual(decodePlan(text), plan)).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the values JSON has no literal for', () => {
    const plan: ExecutionPlan = {
      version: 2,
      steps: [
        {
          kind: 'insert',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          columns: ['id', 'n', 'b', 'f'],
          types: ['', '', '', ''],
          values: [
            [-9223372036854775808n, 9223372036854775807n, 1],
            [-0, Infinity, -Infinity],
            [new Uint8Array([0, 255, 1]), new Uint8Array(0), 'x'],
            Float64Array.from([-0, -Infinity, 1e-320]),
          ],
          count: 3,
        },
      ],
    };
    const text = encodePlan(plan);
    expect(text).toContain('{"$bigint":"-9223372036854775808"}');
    expect(text).toContain('{"$float64":["-0","-Infinity",1e-320]}');
    expect(text).toContain('{"$bytes":"AP8B"}');
    expect(exactlyEqual(decodePlan(text), plan)).toBeNull();
  });

  it('refuses every one-field mutation of a plan, naming the field validatePlan names', () => {
    fc.assert(
      fc.property(planArbitrary, fc.nat(), (plan, pick) => {
        const mutations = planMutations(plan);
        const m = mutations[pick % mutations.length]!;
        const mutated = m.apply(plan);
        const expected = refusal(() => validatePlan(mutated));
        const e = refusal(() => decodePlan(encodePlan(mutated as ExecutionPlan)));
        expect(e.code, m.what).toBe('invalid_plan');
        expect(e.field, `${m.what}: ${e.message}`).toBe(expected.field);
        expect(e.step).toBe(expected.step);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses text that is not JSON or holds a broken tag, naming the field', () => {
    expect(refusal(() => decodePlan('{"version": 1, "steps": [')).field).toBe('plan');
    const insert = (value: string): string =>
      `{"version":1,"steps":[{"kind":"insert","table":"t","key":[],"columns":["a"],"values":[[${value}]],"count":1}]}`;
    const cases: [string, RegExp][] = [
      ['{"$bigint":"1.5"}', /integer as text/],
      ['{"$bigint":12}', /integer as text/],
      ['{"$bytes":"A"}', /base64/],
      ['{"$date":"2024-01-01"}', /toISOString/],
      ['{"$number":"1"}', /Infinity/],
      ['{"$float64":[1,"x"]}', /not a number/],
      ['{"$tuple":[1]}', /not a tag/],
      ['{"$bigint":"1","b":2}', /alone/],
    ];
    for (const [value, why] of cases) {
      const e = refusal(() => decodePlan(insert(value)));
      expect(e.code).toBe('invalid_plan');
      expect(e.field, value).toMatch(/^steps\[0\]\.values\[0\]\[0\]/);
      expect(e.step).toBe('insert');
      expect(e.table).toBe('t');
      expect(e.message, value).toMatch(why);
    }
  });

  it('refuses a plan whose values are well tagged but not a plan, as a push would', () => {
    const text = encodePlan({
      version: 2,
      steps: [
        {
          kind: 'delete',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[2n ** 64n]],
          count: 1,
          guard: null,
        },
      ],
    });
    const e = refusal(() => decodePlan(text));
    expect(e.field).toBe('steps[0].keys[0][0]');
    // The schema says as much where it can: a value of no stored kind, a field too many.
    expect(schemaErrors(text.replace('{"$bigint"', '{"$bigint":"1","x"'))).not.toBe('');
    expect(schemaErrors(text.replace('"count":1', '"count":1,"priority":0'))).not.toBe('');
    expect(e.message).toMatch(/64-bit/);
  });
});
