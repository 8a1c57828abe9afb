/**
 * A copy of a mutable value (bytes, a date) for handing out, so that what a caller receives is its
 * own: changing it changes nothing in the table. Other values are immutable and returned as they
 * are.
 *
 * @example
 * ```ts
 * const bytes = ownCopy(stored); // a new Uint8Array with the same bytes
 * ownCopy('text') === 'text';
 * ```
 */
export function ownCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return value.slice() as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  return value;
}

/** {@link ownCopy} of each value of a list (a key, for instance). */
export function ownCopies<T>(values: readonly T[]): T[] {
  return values.map(ownCopy);
}
