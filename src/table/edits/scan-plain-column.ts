import type { ColumnKind } from '../../values/column-kind';
import { isWellFormedText } from '../../values/codec';
import type { ColumnArray } from '../row-store';

/** What the fast pass over a column found (see {@link scanPlainColumn}). */
export interface PlainScan {
  /** Stored rows whose value changes. */
  readonly changed: number;
  /**
   * The stored rows' new values in canonical form, the current value kept where the new one is
   * equal: a new Float64Array for numbers; for text, the result's own array (to be frozen before
   * it is kept). Null when nothing changed.
   */
  readonly values: ColumnArray | null;
}

/**
 * The diff of a transform's column against the stored rows' current values at the same slots, for
 * the common shapes only: numbers over a Float64Array, strings over an array of texts. Each shape
 * has a loop of its own over one kind of array each side, comparing, checking and copying in one
 * pass without calling anything per value (a loop that reads typed and plain arrays alike, or
 * calls the full check, is several times slower). Returns null for anything the loop does not
 * settle on its own (null, BigInt, NaN, -0 over a stored 0, a lone surrogate, a value the column
 * does not take): the caller then runs the general diff, which gives the same answer slowly.
 */
export function scanPlainColumn(
  kind: ColumnKind,
  given: unknown,
  current: unknown,
  stored: number,
): PlainScan | null {
  if (!Array.isArray(given) && !(given instanceof Float64Array)) return null;
  if (given.length < stored) return null;
  if (kind === 'text') {
    // Adopted as is: the array must be the stored rows' and nothing more.
    if (!Array.isArray(given) || !Array.isArray(current) || given.length !== stored) return null;
    return scanTexts(given, current, stored);
  }
  if (kind !== 'real' && kind !== 'integer' && kind !== 'numeric') return null;
  if (!(current instanceof Float64Array) || current.length < stored) return null;
  const integer = kind !== 'real';
  return given instanceof Float64Array
    ? scanTypedNumbers(given, current, stored, integer)
    : scanNumbers(given, current, stored, integer);
}

function scanTexts(
  given: readonly unknown[],
  current: readonly unknown[],
  n: number,
): PlainScan | null {
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const a = given[i];
    if (a === current[i]) continue;
    // A well-formed string is canonical text, and differs from anything it is not identical to.
    if (typeof a !== 'string' || !isWellFormedText(a)) return null;
    changed++;
  }
  return { changed, values: changed ? (given as ColumnArray) : null };
}

/**
 * Numbers from a plain array. A differing value is stored in canonical form: any number but NaN
 * (refused, or equal to a stored NaN: the general diff settles it), -0 as 0, and where integers
 * are stored a safe integer. Equal values keep the current one (0 over a stored -0 is no change).
 */
function scanNumbers(
  given: readonly unknown[],
  current: Float64Array,
  n: number,
  integer: boolean,
): PlainScan | null {
  // Unchanged columns are common (a rebuilt table hands every column back as a new array): find
  // the first difference before allocating anything.
  let i = 0;
  for (; i < n; i++) {
    const a = given[i];
    if (typeof a !== 'number') return null;
    if (a !== current[i]) break;
    // Equal, but -0 for 0 or 0 for -0: the current value is kept (the copy below keeps it).
  }
  if (i === n) return { changed: 0, values: null };
  const out = new Float64Array(n);
  out.set(current.subarray(0, i));
  let changed = 0;
  for (; i < n; i++) {
    const a = given[i];
    if (typeof a !== 'number') return null;
    const b = current[i]!;
    if (a === b) {
      out[i] = b;
      continue;
    }
    if (a !== a || (integer && !isSafeInteger(a))) return null;
    out[i] = a === 0 ? 0 : a;
    changed++;
  }
  return { changed, values: out };
}

/** {@link scanNumbers} from a Float64Array. */
function scanTypedNumbers(
  given: Float64Array,
  current: Float64Array,
  n: number,
  integer: boolean,
): PlainScan | null {
  let i = 0;
  while (i < n && given[i] === current[i]) i++;
  if (i === n) return { changed: 0, values: null };
  const out = new Float64Array(n);
  out.set(current.subarray(0, i));
  let changed = 0;
  for (; i < n; i++) {
    const a = given[i]!;
    const b = current[i]!;
    if (a === b) {
      out[i] = b;
      continue;
    }
    if (a !== a || (integer && !isSafeInteger(a))) return null;
    out[i] = a === 0 ? 0 : a;
    changed++;
  }
  return { changed, values: out };
}

/** Number.isSafeInteger, in operations a hot loop compiles inline. */
function isSafeInteger(a: number): boolean {
  return Math.floor(a) === a && Math.abs(a) <= Number.MAX_SAFE_INTEGER;
}
