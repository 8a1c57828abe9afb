import type { ColumnValues, UpdateStep } from '../plan/execution-plan';
import { keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';

/**
 * How an update moves its rows' keys, read from the step itself (a plan does not say):
 *
 * - `none`: it sets no key column;
 * - `direct`: no new key is the old key of another moved row, so each row can move in turn;
 * - `viaTemporary`: some new key is (a swap, a chain), so a database that checks keys row by row
 *   must first move the rows to keys no row holds.
 *
 * @example
 * ```ts
 * keyMovesOf({ ...step, key: ['id'], set: ['id'], keys: [[1, 2]], values: [[2, 1]] }); // 'viaTemporary'
 * ```
 */
export function keyMovesOf(step: UpdateStep): 'none' | 'direct' | 'viaTemporary' {
  const sets = step.key.map((k) => step.set.indexOf(k));
  if (sets.every((j) => j < 0)) return 'none';
  const after = sets.map((j, k) => (j >= 0 ? step.values[j]! : step.keys[k]!));
  return movesCollide(step.keys, after, step.count) ? 'viaTemporary' : 'direct';
}

/** Whether some new key equals the old key of another moved row (moving directly would collide). */
function movesCollide(
  before: readonly ColumnValues[],
  after: readonly ColumnValues[],
  n: number,
): boolean {
  const old = new Set<unknown>();
  const row = (cols: readonly ColumnValues[], i: number): SqlValue[] =>
    cols.map((c) => c[i] ?? null);
  for (let i = 0; i < n; i++) old.add(keyTokens(row(before, i)));
  for (let i = 0; i < n; i++) if (old.has(keyTokens(row(after, i)))) return true;
  return false;
}

/**
 * `n` distinct BLOBs no stored row holds (16 bytes: a random salt of 12, then the index): keys a
 * moved row can pass through, in any dialect.
 */
export function uniqueBlobs(n: number): Uint8Array[] {
  const salt = crypto.getRandomValues(new Uint8Array(12));
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(16);
    b.set(salt);
    new DataView(b.buffer).setUint32(12, i);
    out[i] = b;
  }
  return out;
}

/**
 * The new values of one key column of an update step, as a range: the largest and smallest whole
 * numbers at least and at most them (null when none is a number), and the largest text. Free
 * temporary keys are chosen past the stored keys *and* these: a moved row's new key may be a
 * number just past the stored ones, which a temporary taken from the stored keys alone would
 * hold while that row arrives (a UNIQUE failure of a valid push).
 */
export function newKeyRange(
  step: UpdateStep,
  column: string,
): { max: bigint | null; min: bigint | null; text: string | null } {
  const j = step.set.indexOf(column);
  let max: bigint | null = null;
  let min: bigint | null = null;
  let text: string | null = null;
  if (j < 0) return { max, min, text };
  const values = step.values[j]!;
  for (let i = 0; i < step.count; i++) {
    const v = values[i] ?? null;
    let hi: bigint;
    let lo: bigint;
    if (typeof v === 'bigint') hi = lo = v;
    else if (typeof v === 'number' && Number.isFinite(v)) {
      hi = BigInt(Math.ceil(v));
      lo = BigInt(Math.floor(v));
    } else {
      if (typeof v === 'string' && (text === null || v > text)) text = v;
      continue;
    }
    if (max === null || hi > max) max = hi;
    if (min === null || lo < min) min = lo;
  }
  return { max, min, text };
}
