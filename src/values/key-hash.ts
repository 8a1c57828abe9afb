import type { CellValue } from './sql-value';

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/**
 * A 32-bit hash of a key value, consistent with `valuesEqual` for canonical values (integers in
 * the safe range are numbers, beyond it BigInt, so the two never meet).
 */
export function hashValue(v: CellValue | undefined): number {
  if (typeof v === 'number') {
    if ((v | 0) === v) return mix(v);
    if (v !== v) return 0x7ff80000;
    scratch[0] = v;
    return mix(words[0]! ^ Math.imul(words[1]!, 31));
  }
  if (typeof v === 'string') return hashString(v);
  if (v === null || v === undefined) return 0;
  if (typeof v === 'bigint')
    return mix(Number(BigInt.asUintN(32, v)) ^ Number(BigInt.asUintN(32, v >> 32n)));
  if (typeof v === 'boolean') return v ? 0x1234567 : 0x7654321;
  if (v instanceof Date) return hashValue(v.getTime());
  let h = 0x811c9dc5;
  for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
  return mix(h);
}

/** Where the hash of a composite key starts (see `hashValues`). */
export const KEY_HASH_SEED = 0x9e3779b9;

/** The hash of a composite key so far, `h`, with one more value's hash. */
export function mixKeyHash(h: number, valueHash: number): number {
  return mix(h ^ valueHash) + KEY_HASH_SEED;
}

/** Hash of a composite key. */
export function hashValues(values: readonly (CellValue | undefined)[]): number {
  let h = KEY_HASH_SEED;
  for (let i = 0; i < values.length; i++) h = mixKeyHash(h, hashValue(values[i]));
  return h >>> 0;
}

/**
 * A Map key that identifies a key value (single or composite): equal keys (by `valuesEqual`) give
 * equal tokens, different keys different tokens.
 */
export type KeyToken = number | string | bigint | boolean | null;

function partToken(v: CellValue | undefined): string {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return `n${v !== v ? 'NaN' : v}`;
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v === null || v === undefined) return 'N';
  if (v instanceof Date) return `d${v.getTime()}`;
  let hex = '';
  for (const b of v) hex += b.toString(16).padStart(2, '0');
  return `b${hex};`;
}

/** The token of a single-column key. */
export function keyToken(v: CellValue | undefined): KeyToken {
  if (typeof v === 'object' && v !== null) return `\0${partToken(v)}`;
  return v === undefined ? null : v;
}

/** The token of a composite key. */
export function keyTokens(values: readonly (CellValue | undefined)[]): KeyToken {
  let s = '';
  for (const v of values) s += partToken(v);
  return s;
}
