/**
 * Sets `out[name] = value` as an own, enumerable field whatever the name: assigned, a column named
 * `__proto__` would set the object's prototype instead (or nothing, for a primitive value), and
 * the row would lack it.
 *
 * @example
 * ```ts
 * const row = {};
 * setField(row, '__proto__', 1); // row has an own field '__proto__' holding 1
 * ```
 */
export function setField<T>(out: { [name: string]: T | undefined }, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[name] = value;
  }
}
