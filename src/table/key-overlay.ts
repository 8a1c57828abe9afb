import type { KeyToken } from '../values/key-hash';

/**
 * The rows a table finds by a key its store does not index them under: inserted rows, and stored
 * rows whose key was changed. Exact at every moment: a row is listed under its current key and
 * under no other, and several rows may be listed under one key, as happens in the middle of an
 * operation that swaps keys (uniqueness is checked when the operation ends).
 *
 * @example
 * ```ts
 * const overlay = new KeyOverlay();
 * overlay.place(-1, 42); // inserted row -1 holds key 42
 * overlay.first(42); // -1
 * overlay.place(-1, undefined); // no longer listed
 * ```
 */
export class KeyOverlay {
  readonly #tokenOf = new Map<number, KeyToken>();
  readonly #rows = new Map<KeyToken, number | number[]>();

  /** Number of rows listed. */
  get size(): number {
    return this.#tokenOf.size;
  }

  /** Whether `row` is listed (under any key). */
  has(row: number): boolean {
    return this.#tokenOf.has(row);
  }

  /** Lists `row` under `token`, or under nothing when `token` is undefined. */
  place(row: number, token: KeyToken | undefined): void {
    if (this.#tokenOf.has(row)) {
      const old = this.#tokenOf.get(row)!;
      if (old === token) return;
      this.#unlist(old, row);
      this.#tokenOf.delete(row);
    }
    if (token === undefined) return;
    this.#tokenOf.set(row, token);
    const held = this.#rows.get(token);
    if (held === undefined) this.#rows.set(token, row);
    else if (typeof held === 'number') this.#rows.set(token, [held, row]);
    else held.push(row);
  }

  /** A row listed under `token`, or undefined. */
  first(token: KeyToken): number | undefined {
    const held = this.#rows.get(token);
    return held === undefined || typeof held === 'number' ? held : held[0];
  }

  /** Every row listed under `token`. */
  all(token: KeyToken): readonly number[] {
    const held = this.#rows.get(token);
    return held === undefined ? [] : typeof held === 'number' ? [held] : held;
  }

  clear(): void {
    this.#tokenOf.clear();
    this.#rows.clear();
  }

  #unlist(token: KeyToken, row: number): void {
    const held = this.#rows.get(token);
    if (held === row) {
      this.#rows.delete(token);
    } else if (Array.isArray(held)) {
      const rest = held.filter((r) => r !== row);
      this.#rows.set(token, rest.length === 1 ? rest[0]! : rest);
    }
  }
}
