import { PandalchemyError } from '../errors/pandalchemy-error';
import { INT64_MAX, INT64_MIN } from '../values/sql-value';

/**
 * `n` free integer keys for rows to move through during a key swap: past the largest key `top`
 * (stored or new), else before the smallest `bottom`. A table holding keys at both ends of the
 * 64-bit range leaves no room at either end: the push is refused as `invalid_plan`, before
 * anything is written, rather than failing in the database with an overflow.
 */
export function temporaryIntegers(n: number, top: bigint, bottom: bigint): bigint[] {
  const count = BigInt(n);
  const up = INT64_MAX - top >= count;
  if (!up && bottom - INT64_MIN < count) {
    throw new PandalchemyError(
      'invalid_plan',
      'This push swaps integer keys between rows, and the table holds keys at both ends of the 64-bit range: no free temporary key is left to move a row through. Nothing was written: change those keys in two pushes.',
    );
  }
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = up ? top + 1n + BigInt(i) : bottom - 1n - BigInt(i);
  return out;
}
