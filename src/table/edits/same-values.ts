/**
 * Whether the first `n` values of a transform's result column are the current values of the
 * stored rows at the same slots, decided without boxing, allocating or calling the full
 * comparison: true only when every pair is identical (or both NaN numbers). False means "not
 * shown equal", never "different": the caller then runs the full diff, which also settles values
 * equal in another form (a BigInt and a number, two byte arrays). A transform by a rebuilt table
 * hands every column back as a new array; most of them are unchanged, and this is what they cost.
 *
 * Each pairing of array kinds has a loop of its own, so that each loop's element reads see one
 * kind of array (a loop that reads typed and plain arrays alike is several times slower).
 */
export function sameValues(
  given: ArrayLike<unknown>,
  current: ArrayLike<unknown>,
  n: number,
): boolean {
  if (given.length < n || current.length < n) return false;
  if (given === current) return true;
  if (given instanceof Float64Array) {
    return current instanceof Float64Array ? sameNumbers(given, current, n) : false;
  }
  if (!Array.isArray(given)) return false;
  if (current instanceof Float64Array) return sameAsNumbers(given, current, n);
  return Array.isArray(current) ? sameIdentical(given, current, n) : false;
}

function sameNumbers(given: Float64Array, current: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const a = given[i]!;
    const b = current[i]!;
    if (a !== b && (a === a || b === b)) return false;
  }
  return true;
}

function sameAsNumbers(given: readonly unknown[], current: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const a = given[i];
    const b = current[i]!;
    if (a === b) continue;
    if (typeof a !== 'number' || a === a || b === b) return false;
  }
  return true;
}

function sameIdentical(given: readonly unknown[], current: readonly unknown[], n: number): boolean {
  for (let i = 0; i < n; i++) if (given[i] !== current[i]) return false;
  return true;
}
