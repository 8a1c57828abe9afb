/**
 * `object[name]` when it is the object's own field, else undefined: a name such as `toString` or
 * `constructor` is not read from the prototype, as plain indexing would.
 *
 * @example
 * ```ts
 * ownField({ id: 1 }, 'toString'); // undefined
 * ```
 */
export function ownField<T>(object: { readonly [name: string]: T }, name: string): T | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
