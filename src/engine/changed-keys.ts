import type { ColumnValues, Guard } from '../plan/execution-plan';
import type { TableEffect } from '../protocol/engine-api';
import { keyToken, type KeyToken } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';

/**
 * The keys of the rows of one table that some commits wrote or deleted, gathered from their
 * effects: every other row of the table holds what it held before those commits. A guard based
 * on the state before them then only has to be checked on these rows (see {@link narrowGuard}).
 *
 * It errs one way only: keys are compared loosely (see `tokenAt`), and a key it cannot tell for
 * sure (an integer beyond 2^53, which one reader may hold as a number and another as a BigInt)
 * counts as changed.
 */
export class ChangedKeys {
  readonly #limit: number;
  /** Rows added so far, a row added twice counted twice. */
  #rows = 0;
  #key: readonly string[] | null = null;
  readonly #tokens = new Set<KeyToken>();
  /** Some changed key was beyond 2^53: every such key counts as changed. */
  #inexact = false;

  /**
   * `limit`: the most rows worth gathering. Past it, {@link add} gives up: checking every guard
   * would cost less than gathering the rows that commits wrote.
   */
  constructor(limit = Infinity) {
    this.#limit = limit;
  }

  /** How many distinct keys changed (an inexact one counts once). */
  get size(): number {
    return this.#tokens.size + (this.#inexact ? 1 : 0);
  }

  /**
   * Adds the rows one commit's effect on the table wrote or deleted: the prior and final key of
   * every image, deleted keys, patched rows. False when the effect cannot be told row by row (the
   * table was rebuilt, created or dropped, a trigger deleted rows of unknown keys, or its key
   * columns differ from an earlier effect's), or when the rows so far pass the limit: then
   * nothing is known.
   */
  add(effect: TableEffect): boolean {
    if (effect.reload || effect.dropped) return false;
    this.#rows +=
      (effect.deleted.keys[0]?.length ?? 0) + (effect.upserts.priorKeys[0]?.length ?? 0);
    for (const patch of effect.patches ?? []) this.#rows += patch.rowids.length;
    if (this.#rows > this.#limit) return false;
    if (this.#key === null) this.#key = effect.key;
    else if (!sameNames(this.#key, effect.key)) return false;
    const width = effect.key.length;
    // A row that was there before the commit and was written is among the images under its
    // prior key (a new row's prior key is its key), or else among the deleted keys.
    this.#addRows(effect.deleted.keys);
    this.#addRows(effect.upserts.priorKeys);
    // And the keys rows moved to: a row found under one now was written by the commit too (the
    // same as its prior key but for moved rows, where a key another writer took shows).
    const { columns, values } = effect.upserts;
    const at = effect.key.map((k) => columns.indexOf(k));
    if (values.length && at.every((c) => c >= 0)) this.#addRows(at.map((c) => values[c]!));
    for (const patch of effect.patches ?? []) {
      // The rows' keys, or (absent) their rowids, which are then the one key column.
      const keys = patch.keys ?? [patch.rowids];
      if (keys.length !== width) return false;
      this.#addRows(keys);
    }
    return true;
  }

  /** Whether a guard naming its rows by `key` can be narrowed to these rows. */
  keyedBy(key: readonly string[]): boolean {
    return this.#key !== null && sameNames(this.#key, key);
  }

  /** Whether the row of key `keys[.][i]` may have changed. */
  has(keys: readonly ColumnValues[], i: number): boolean {
    const token = tokenAt(keys, i);
    return token === undefined ? this.#inexact : this.#tokens.has(token);
  }

  /** Adds keys given per key column (a key set for other uses than commits: see key-conflicts). */
  addKeys(keys: readonly ColumnValues[]): void {
    this.#addRows(keys);
  }

  #addRows(keys: readonly ColumnValues[]): void {
    const n = keys[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const token = tokenAt(keys, i);
      if (token === undefined) this.#inexact = true;
      else this.#tokens.add(token);
    }
  }
}

/**
 * `guard` cut down to the rows `changed` may have changed; null when it has none of them. The
 * guard itself when it is keyed otherwise, or every row may have changed.
 */
export function narrowGuard(guard: Guard, changed: ChangedKeys): Guard | null {
  if (changed.size === 0) return null;
  if (!changed.keyedBy(guard.key)) return guard;
  const n = guard.keys[0]?.length ?? 0;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (changed.has(guard.keys, i)) rows.push(i);
  if (rows.length === n) return guard;
  if (!rows.length) return null;
  return {
    ...guard,
    keys: guard.keys.map((col) => pick(col, rows)),
    expected: guard.expected.map((col) => pick(col, rows)),
  };
}

function pick<T>(col: readonly T[] | Float64Array, rows: readonly number[]): T[] | Float64Array {
  if (col instanceof Float64Array) return Float64Array.from(rows, (i) => col[i]!);
  return rows.map((i) => col[i]!);
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * A token of the key at row `i`, equal for any two keys SQL could find equal: a key as a plan
 * spelled it (the effects of a commit may report that spelling rather than the stored value) is
 * equal to the stored key under the column's affinity and collation. So text that reads as a
 * number is that number, and text folds ASCII case and trailing spaces (NOCASE, RTRIM). Keys
 * SQL tells apart may share a token: that only checks a row more. Undefined for a key with an
 * integer beyond 2^53, whose form is not sure.
 */
function tokenAt(keys: readonly ColumnValues[], i: number): KeyToken | undefined {
  if (keys.length === 1) return loose(keys[0]![i] ?? null);
  let token = '';
  for (const col of keys) {
    const part = loose(col[i] ?? null);
    if (part === undefined) return undefined;
    const text = typeof part === 'number' ? `n${part}` : part;
    token += `${text.length}:${text}`;
  }
  return token;
}

function loose(v: SqlValue): number | string | undefined {
  if (typeof v === 'number') {
    if (v !== v) return 'N';
    return Math.abs(v) < 2 ** 53 ? v + 0 : undefined;
  }
  if (typeof v === 'bigint') return loose(Number(v));
  if (v === null) return 'N';
  if (typeof v === 'string') {
    const trimmed = v.trim();
    const n = trimmed === '' ? NaN : Number(trimmed);
    if (n === n) return loose(n);
    return `s${v.replace(/[A-Z]+/g, (m) => m.toLowerCase()).replace(/ +$/, '')}`;
  }
  return keyToken(v) as string;
}
