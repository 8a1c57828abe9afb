/**
 * Where a plan is not well formed: a path such as `steps[2].values[1][7]`, and why. Thrown by the
 * checks of this folder, turned into an `invalid_plan` error by `validatePlan`.
 *
 * @example
 * ```ts
 * throw new Malformed('plan.steps[0].count', 'is missing');
 * ```
 */
export class Malformed {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {}
}

/** Checks one field: `at` is its path. Throws {@link Malformed}. */
export type Check = (value: unknown, at: string) => void;

/**
 * Refuses the field at `at`, saying why.
 *
 * @example
 * ```ts
 * if (v === '') bad(at, 'is an empty name');
 * ```
 */
export const bad = (at: string, why: string): never => {
  throw new Malformed(at, why);
};

/** Whether `v` is a plain object (not null, a list or a typed array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * A value for messages: its type, and the value itself when short.
 *
 * @example
 * ```ts
 * shown([1, 2]); // 'a list of 2'
 * ```
 */
export function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 30 ? `text '${v.slice(0, 27)}...'` : `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
