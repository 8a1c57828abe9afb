import { bytesOf, PART_BYTES } from './encode-delta';
import { invalid } from './restore-draft';

/** Arrays of values this long at least leave a draft's base for records of their own. */
export const BIG_ARRAY = 16_384;

/** Stands in a draft's base for a big array, stored in {@link ArraySlice} records after it. */
export interface ArrayMark {
  readonly pandalchemyArray: number;
  readonly length: number;
}

/** A run of a big array's values, `values` from index `from` of array `array`. */
export interface ArraySlice {
  readonly slice: true;
  readonly array: number;
  readonly from: number;
  readonly values: readonly unknown[];
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether `a` holds only values (no objects a record shares with others: those stay in it). */
function onlyValues(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date))
      return false;
  }
  return true;
}

/**
 * `value` with every array of at least `min` values (a whole column's values, a long list of
 * deleted rows) replaced by an {@link ArrayMark}, and those arrays. The structured clone of the
 * base then copies marks, and the arrays go in records of their own, a slice at a time: the clone
 * of a million strings was one task of 220-360 ms. Objects on the way to a big array are copied
 * (once each: an object shared in `value` is shared in the result); nothing of `value` changes.
 */
export function takeOutArrays<T>(value: T, min = BIG_ARRAY): { value: T; arrays: unknown[][] } {
  const arrays: unknown[][] = [];
  const marks = new Map<unknown[], ArrayMark>();
  const memo = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (memo.has(v)) return memo.get(v);
    let out: unknown = v;
    // Set first: a cycle (none is expected) ends here instead of recursing forever.
    memo.set(v, v);
    if (Array.isArray(v)) {
      const a = v as unknown[];
      if (a.length >= min && onlyValues(a)) {
        let mark = marks.get(a);
        if (!mark) {
          mark = { pandalchemyArray: arrays.push(a) - 1, length: a.length };
          marks.set(a, mark);
        }
        out = mark;
      } else {
        let copy: unknown[] | null = null;
        for (let i = 0; i < a.length; i++) {
          const w = walk(a[i]);
          if (w !== a[i]) (copy ??= a.slice())[i] = w;
        }
        if (copy) out = copy;
      }
    } else if (isPlain(v)) {
      let copy: Record<string, unknown> | null = null;
      for (const k of Object.keys(v)) {
        const w = walk(v[k]);
        if (w !== v[k]) (copy ??= { ...v })[k] = w;
      }
      if (copy) out = copy;
    }
    memo.set(v, out);
    return out;
  };
  return { value: walk(value) as T, arrays };
}

/** The records of `arrays`, about `PART_BYTES` each, made as they are asked for. */
export function* arraySlices(arrays: readonly (readonly unknown[])[]): Generator<ArraySlice> {
  for (let k = 0; k < arrays.length; k++) {
    const a = arrays[k]!;
    let from = 0;
    while (from < a.length) {
      let to = from;
      let bytes = 0;
      while (to < a.length && (to === from || bytes + bytesOf(a[to]) <= PART_BYTES))
        bytes += bytesOf(a[to++]);
      yield { slice: true, array: k, from, values: a.slice(from, to) };
      from = to;
    }
  }
}

export function isArraySlice(v: unknown): v is ArraySlice {
  return isPlain(v) && v['slice'] === true;
}

function isMark(v: unknown): v is ArrayMark {
  return isPlain(v) && typeof v['pandalchemyArray'] === 'number';
}

/**
 * Puts the arrays of `slices` back where `value` (a base read back) holds their marks, in place:
 * each array is one object wherever its mark was. Throws `draft_invalid` when a mark has no
 * whole array or the slices do not make whole arrays.
 */
export function putBackArrays(value: unknown, slices: readonly ArraySlice[]): void {
  const arrays = new Map<number, unknown[]>();
  const filled = new Map<number, number>();
  for (const s of slices) {
    if (
      !isArraySlice(s) ||
      !Number.isInteger(s.array) ||
      !Number.isInteger(s.from) ||
      !Array.isArray(s.values)
    )
      throw invalid('a record of its values is malformed');
    const at = filled.get(s.array) ?? 0;
    if (s.from !== at) throw invalid('records of its values are missing or out of order');
    const a = arrays.get(s.array) ?? [];
    for (const v of s.values) a.push(v);
    arrays.set(s.array, a);
    filled.set(s.array, at + s.values.length);
  }
  const seen = new Set<object>();
  const take = (mark: ArrayMark): unknown[] => {
    const a = arrays.get(mark.pandalchemyArray);
    if (!a || a.length !== mark.length) throw invalid('records of its values are missing');
    return a;
  };
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      const a = v as unknown[];
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (isMark(x)) a[i] = take(x);
        else walk(x);
      }
    } else if (isPlain(v)) {
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (isMark(x)) v[k] = take(x);
        else walk(x);
      }
    }
  };
  walk(value);
}
