import type { Check } from './malformed';

/**
 * What a step of one kind holds: its fields, each checked alone, then what must hold between them
 * (lengths against `count`, names against the columns).
 *
 * @example
 * ```ts
 * const dropColumn: StepSpec = { fields: { column: name } };
 * ```
 */
export interface StepSpec {
  readonly fields: Readonly<Record<string, Check>>;
  readonly consistent?: (step: Record<string, unknown>, at: string) => void;
}
