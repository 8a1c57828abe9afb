import { describeValue } from '../values/codec';
import { PandalchemyError } from './pandalchemy-error';
import { ownField } from '../values/own-field';

/**
 * What one option may be: a function, an array of functions, a boolean, an array, or one of some
 * words.
 */
export type OptionRule = 'function' | 'functions' | 'boolean' | 'array' | readonly string[];

/**
 * Refuses an options argument that is not undefined or an object, an option the call does not
 * have (a misspelt one would otherwise be ignored: `{ conflcit: 'overwrite' }` pushing as `fail`),
 * and an option of the wrong kind: `invalid_argument`, before the call does anything.
 *
 * @example
 * ```ts
 * checkOptions('push()', options, { conflict: ['fail', 'overwrite'], onProgress: 'function' });
 * ```
 */
export function checkOptions(
  call: string,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
): void {
  if (options === undefined) return;
  const names = Object.keys(rules);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PandalchemyError(
      'invalid_argument',
      `${call} takes its options as an object (${names.join(', ')}); got ${describeValue(options)}.`,
    );
  }
  for (const [name, value] of Object.entries(options)) {
    // Own rules only: an option named `constructor` or `toString` is unknown, not Object's.
    const rule = ownField(rules, name);
    if (rule === undefined) {
      throw new PandalchemyError(
        'invalid_argument',
        `${call} has no option '${name}': its options are ${names.join(', ')}.`,
      );
    }
    if (value === undefined || fits(rule, value)) continue;
    throw new PandalchemyError(
      'invalid_argument',
      `${call}'s option '${name}' is ${expected(rule)}; got ${describeValue(value)}.`,
    );
  }
}

function fits(rule: OptionRule, value: unknown): boolean {
  if (rule === 'function') return typeof value === 'function';
  if (rule === 'boolean') return typeof value === 'boolean';
  if (rule === 'array') return Array.isArray(value);
  if (rule === 'functions')
    return Array.isArray(value) && value.every((f) => typeof f === 'function');
  return typeof value === 'string' && rule.includes(value);
}

function expected(rule: OptionRule): string {
  if (rule === 'function') return 'a function';
  if (rule === 'boolean') return 'true or false';
  if (rule === 'array') return 'an array';
  if (rule === 'functions') return 'an array of functions';
  return `one of ${rule.map((w) => `'${w}'`).join(', ')}`;
}
