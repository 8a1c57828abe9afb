import type { CellValue } from './sql-value';

/**
 * Equality used by change detection (PRODUCT.md §5): NaN equals NaN, null and undefined are both
 * NULL, byte arrays compare by bytes, dates by time value, 0 equals -0, and an integer equals the
 * same integer whether it is a number or a BigInt. Values of different types are different:
 * the text '1' is not the number 1.
 *
 * @example
 * ```ts
 * valuesEqual(NaN, NaN) // true
 * valuesEqual(new Uint8Array([1]), new Uint8Array([1])) // true
 * valuesEqual('04567', 4567) // false
 * ```
 */
export function valuesEqual(a: CellValue | undefined, b: CellValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  switch (typeof a) {
    case 'number':
      if (typeof b === 'number') return a !== a && b !== b;
      return typeof b === 'bigint' && numberEqualsBigint(a, b);
    case 'bigint':
      return typeof b === 'number' && numberEqualsBigint(b, a);
    case 'object':
      if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
      if (a instanceof Date) {
        if (!(b instanceof Date)) return false;
        const ta = a.getTime();
        const tb = b.getTime();
        return ta === tb || (ta !== ta && tb !== tb);
      }
      return false;
    default:
      return false;
  }
}

function numberEqualsBigint(n: number, b: bigint): boolean {
  return Number.isInteger(n) && BigInt(n) === b;
}

/** Byte-wise equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
