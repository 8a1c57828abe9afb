import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';
import type { TableRows } from './table-rows';

/**
 * Refuses a row reference that names no row (past the last row, fractional, NaN, not a number,
 * or of an inserted row since discarded): `row_not_found`. `live`: a row deleted since the last
 * push is refused too. References come from `rowRefs()`, `refsOf()` and `refOf()`.
 *
 * @example
 * ```ts
 * requireRef(state, ref, { live: true });
 * ```
 */
export function requireRef(
  state: TableRows,
  ref: unknown,
  options: { live?: boolean } = {},
): number {
  const ok = typeof ref === 'number' && (options.live ? state.isLive(ref) : state.isRef(ref));
  if (ok) return ref;
  const what =
    typeof ref === 'number' && state.isRef(ref) ? 'a row deleted since the last push' : 'no row';
  throw new PandalchemyError(
    'row_not_found',
    `Row reference ${describeValue(ref)} of '${state.name}' is ${what}: take references from rowRefs(), refsOf() or refOf(), again after each push or refresh.`,
    { table: state.name },
  );
}

/**
 * The references of `refs` (an array or typed array of them), each checked by {@link requireRef}
 * before anything is done with any: a call given one bad reference changes nothing.
 */
export function requireRefs(state: TableRows, refs: unknown): number[] {
  if (
    refs === null ||
    typeof refs !== 'object' ||
    typeof (refs as { length?: unknown }).length !== 'number'
  ) {
    throw new PandalchemyError(
      'invalid_argument',
      `Row references are an array (or Int32Array) of numbers; got ${describeValue(refs)}.`,
      { table: state.name },
    );
  }
  return Array.from(refs as ArrayLike<unknown>, (r) => requireRef(state, r));
}
