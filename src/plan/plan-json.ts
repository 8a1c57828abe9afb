import { PandalchemyError } from '../errors/pandalchemy-error';
import { validatePlan } from '../engine/validate-plan';
import type { ExecutionPlan } from './execution-plan';

/*
 * The plan as JSON text (docs/plan-format.md): the plan object as it is, and every value JSON
 * cannot hold exactly written as an object of one `$` field, its tag. Plan objects have no field
 * starting with `$`, so a tag is never mistaken for one.
 */

/** Numbers JSON has no literal for, by their tag text. */
const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['-0', -0],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['NaN', NaN],
]);

/** A number as JSON holds it: itself, or its tag text when JSON has no literal for it. */
function numberJson(n: number): number | string {
  if (Number.isFinite(n) && !Object.is(n, -0)) return n;
  return Object.is(n, -0) ? '-0' : String(n);
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: fromCharCode takes its characters as arguments, and arguments are limited.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The plan as JSON text that {@link decodePlan} turns back into exactly this plan: BigInts, bytes,
 * Float64Arrays, dates, -0 and infinite numbers included. The text can be stored or sent anywhere
 * (a server, another tab, a file), and its shape is documented and checked by a JSON Schema
 * (docs/plan-format.md, docs/plan.schema.json).
 *
 * @example
 * ```ts
 * const text = encodePlan(table.plan());
 * await fetch('/plans', { method: 'POST', body: text });
 * ```
 */
export function encodePlan(plan: ExecutionPlan): string {
  return encodeTagged(plan);
}

/**
 * Any plain data as the tagged JSON text of the plan format: the sync protocol sends commits' row
 * images with it (docs/sync-protocol.md). {@link decodeTagged} reads it back.
 */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, value: unknown) {
    // A Date has already been turned into text by its toJSON: the holder still has the Date.
    // Bytes are looked at there too: a Node Buffer has a toJSON of its own.
    const raw = this[key];
    if (raw instanceof Date)
      // An Invalid Date is written as such; decodePlan refuses it, naming where it is.
      return { $date: raw.getTime() === raw.getTime() ? raw.toISOString() : 'Invalid Date' };
    if (raw instanceof Uint8Array) return { $bytes: bytesToBase64(raw) };
    if (raw instanceof Float64Array) return { $float64: Array.from(raw, numberJson) };
    switch (typeof value) {
      case 'number':
        return Number.isFinite(value) && !Object.is(value, -0)
          ? value
          : { $number: numberJson(value) };
      case 'bigint':
        return { $bigint: value.toString() };
      case 'function':
      case 'symbol':
        throw new PandalchemyError(
          'invalid_plan',
          `This plan cannot be encoded: ${key || 'plan'} is a ${typeof value}, which a plan never holds.`,
          { field: key || 'plan' },
        );
      default:
        return value;
    }
  });
}

/** Where the JSON text breaks the format, and why (turned into `invalid_plan`). */
class BadTag {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {}
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// An ISO date as toISOString writes it: four-digit years, or six with a sign beyond them.
const ISO_DATE = /^(?:\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

function numberOf(v: unknown, path: () => string): number {
  if (typeof v === 'number') return v;
  const n = typeof v === 'string' ? SPECIAL_NUMBERS.get(v) : undefined;
  if (n === undefined)
    throw new BadTag(path(), `is ${JSON.stringify(v)}, not a number, "-0", "Infinity" or "NaN"`);
  return n;
}

/** The value a tag stands for. */
function untag(tag: string, v: unknown, path: () => string): unknown {
  const bad = (why: string): never => {
    throw new BadTag(path(), `is a ${tag} tag holding ${JSON.stringify(v)}: ${why}`);
  };
  switch (tag) {
    case '$bigint':
      if (typeof v !== 'string' || !INTEGER.test(v)) bad('it takes an integer as text');
      return BigInt(v as string);
    case '$bytes': {
      if (typeof v !== 'string' || !BASE64.test(v)) bad('it takes base64 text');
      const binary = atob(v as string);
      const out = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
      return out;
    }
    case '$date': {
      const d = typeof v === 'string' && ISO_DATE.test(v) ? new Date(v) : null;
      if (!d || d.getTime() !== d.getTime()) bad('it takes a date as toISOString writes it');
      return d;
    }
    case '$number':
      if (typeof v !== 'string' || !SPECIAL_NUMBERS.has(v))
        bad('it takes "-0", "Infinity", "-Infinity" or "NaN"');
      return SPECIAL_NUMBERS.get(v as string);
    case '$float64': {
      if (!Array.isArray(v)) return bad('it takes a list of numbers');
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = numberOf(v[i], () => `${path()}.$float64[${i}]`);
      return out;
    }
    default:
      throw new BadTag(path(), `is an object with the field ${tag}, which is not a tag`);
  }
}

/** Replaces every tag below `holder[key]` by its value, in place; `at` names the place. */
function revive(
  holder: { [key: string | number]: unknown },
  key: string | number,
  at: string,
): void {
  const v = holder[key];
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    // Columns of plain values are most of a plan: skip their elements without building paths.
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e === 'object' && e !== null)
        revive(v as { [key: number]: unknown }, i, `${at}[${i}]`);
    }
    return;
  }
  const fields = Object.keys(v);
  const tag = fields[0];
  if (fields.length === 1 && tag?.startsWith('$')) {
    holder[key] = untag(tag, (v as Record<string, unknown>)[tag], () => at);
    return;
  }
  for (const f of fields) {
    if (f.startsWith('$'))
      throw new BadTag(`${at}.${f}`, 'is a tag beside other fields (a tag is alone in its object)');
    revive(v as Record<string, unknown>, f, at ? `${at}.${f}` : f);
  }
}

/**
 * Reads a plan from the JSON text {@link encodePlan} writes, and checks it in full before handing
 * it out, as `Database.push` would: a text that is not a well-formed plan is refused with
 * `invalid_plan`, whose `field` names the first field found wrong (`steps[2].values[1][7]`) and
 * whose `step` names the step's kind.
 *
 * @example
 * ```ts
 * const plan = decodePlan(await (await fetch('/plans/7')).text());
 * await db.push({ passes: [() => plan] });
 * ```
 */
export function decodePlan(text: string): ExecutionPlan {
  let root: { plan: unknown };
  try {
    root = { plan: JSON.parse(text) as unknown };
  } catch (e) {
    throw new PandalchemyError(
      'invalid_plan',
      `This text is not a plan: it is not JSON (${e instanceof Error ? e.message : String(e)}). Write plans with encodePlan.`,
      { field: 'plan' },
    );
  }
  try {
    revive(root, 'plan', '');
  } catch (e) {
    if (!(e instanceof BadTag)) throw e;
    const field = e.path || 'plan';
    throw new PandalchemyError(
      'invalid_plan',
      `This plan cannot be read: ${field} ${e.why}. Write plans with encodePlan (docs/plan-format.md).`,
      { field, ...stepOf(root.plan, field) },
    );
  }
  validatePlan(root.plan);
  return root.plan;
}

/**
 * Reads tagged JSON text ({@link encodeTagged}) back into the values it holds. Checks the tags
 * only, not the shape: the caller checks what it expects. Text that is not tagged JSON is refused
 * with `invalid_message`.
 */
export function decodeTagged(text: string): unknown {
  try {
    const root = { value: JSON.parse(text) as unknown };
    revive(root, 'value', '');
    return root.value;
  } catch (e) {
    const why = e instanceof BadTag ? `${e.path || 'the value'} ${e.why}` : String(e);
    throw new PandalchemyError('invalid_message', `This text is not tagged JSON: ${why}.`);
  }
}

/** The kind and table of the step a path is in, for the error's context. */
function stepOf(plan: unknown, field: string): { step?: string; table?: string } {
  const index = /^steps\[(\d+)\]/.exec(field)?.[1];
  const steps = (plan as { steps?: unknown } | null)?.steps;
  if (index === undefined || !Array.isArray(steps)) return {};
  const s = steps[Number(index)] as { kind?: unknown; table?: unknown } | null | undefined;
  return {
    ...(typeof s?.kind === 'string' ? { step: s.kind } : {}),
    ...(typeof s?.table === 'string' ? { table: s.table } : {}),
  };
}
