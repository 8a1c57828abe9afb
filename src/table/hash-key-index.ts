import { hashValue, hashValues, mixKeyHash, KEY_HASH_SEED } from '../values/key-hash';
import type { CellValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { KeyIndex } from './key-index';
import type { ColumnArray } from './row-store';

const EMPTY = -1;
const REMOVED = -2;

/**
 * An open-addressing hash index from key to row, in one Int32Array at most half full: 4 bytes a
 * slot, a fraction of the memory of a Map over a million keys. Beside the row, each slot keeps 7
 * bits of the key's hash (while rows are numbered below 2^24), so that a probe passes over 127 in
 * 128 other keys without reading them from the columns (a cache miss each, and for text a string
 * compared); the key is read from the row that matches.
 *
 * Each slot also keeps the value of one key column (the lead: the first held in a plain array, text
 * for instance) of its row, in an array beside the slots at the same position. A probe that reaches
 * its row compares that copy instead of reading the store's column at the row: the copy's address
 * is known as soon as the hash is, so its read overlaps the slot's, where the column's would wait
 * for the row (in a big table each is a cache and TLB miss: about a third of a text-keyed edit).
 * Numbers held in a Float64Array are read from their column, one read that needs no copy.
 *
 * @example
 * ```ts
 * const index = new HashKeyIndex([codes], [0], codes.length);
 * for (let r = 0; r < codes.length; r++) index.add(r);
 * index.findOne('k42');
 * ```
 */
export class HashKeyIndex implements KeyIndex {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private removed = 0;
  /** The bits of a slot that hold the row: the others hold its tag, until a row needs them. */
  private rowMask: number;
  /** The position in `key` of the column whose values `leads` keeps, or -1 for none. */
  private readonly lead: number;
  /** Per slot, the lead column's value of the row in it (null where no row is). */
  private leads: CellValue[];

  /** `rowBits`: rows below 2^rowBits leave the slot's next bits for a tag (a test's parameter). */
  constructor(
    private readonly cols: readonly ColumnArray[],
    private readonly key: readonly number[],
    expectedRows = 0,
    private rowBits = 24,
  ) {
    this.rowMask = 2 ** rowBits - 1;
    const capacity = capacityFor(expectedRows);
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.lead = key.findIndex((c) => !(cols[c] instanceof Float64Array));
    this.leads = this.lead < 0 ? [] : new Array<CellValue>(capacity).fill(null);
  }

  /** Number of rows indexed. */
  get size(): number {
    return this.used;
  }

  find(probe: readonly CellValue[]): number {
    if (this.key.length === 1) return this.findOne(probe[0] ?? null);
    const h = hashValues(probe);
    const slots = this.slots;
    const rowMask = this.rowMask;
    const tag = this.tagOf(h);
    const lead = this.lead;
    const leads = this.leads;
    let i = h & this.mask;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) return -1;
      if (
        s >= 0 &&
        (s & ~rowMask) === tag &&
        (lead < 0 || valuesEqual(leads[i]!, probe[lead] ?? null)) &&
        this.matches(s & rowMask, probe)
      )
        return s & rowMask;
      i = (i + 1) & this.mask;
    }
  }

  findOne(value: CellValue): number {
    const h = hashValue(value);
    const slots = this.slots;
    const rowMask = this.rowMask;
    const tag = this.tagOf(h);
    // The key's values: the lead's copies by slot, or (numbers) the column by row.
    const byRow = this.lead < 0;
    const held: ArrayLike<CellValue> = byRow ? this.cols[this.key[0]!]! : this.leads;
    let i = h & this.mask;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) return -1;
      if (
        s >= 0 &&
        (s & ~rowMask) === tag &&
        valuesEqual(held[byRow ? s & rowMask : i] ?? null, value)
      )
        return s & rowMask;
      i = (i + 1) & this.mask;
    }
  }

  /** Indexes `row`; two rows may hold one key for a while (a key swap in progress). */
  add(row: number): boolean {
    if (row > this.rowMask) this.untag();
    if ((this.used + this.removed + 1) * 2 > this.slots.length) this.grow();
    const lead = this.lead < 0 ? null : (this.cols[this.key[this.lead]!]![row] ?? null);
    this.place(row, this.hashRow(row), lead);
    this.used++;
    return true;
  }

  remove(row: number): void {
    const slots = this.slots;
    const rowMask = this.rowMask;
    let i = this.hashRow(row) & this.mask;
    for (;;) {
      const s = slots[i]!;
      if (s === EMPTY) return;
      if (s >= 0 && (s & rowMask) === row) {
        slots[i] = REMOVED;
        // The copy goes with the row: the slot must not keep a removed value alive.
        if (this.lead >= 0) this.leads[i] = null;
        this.used--;
        this.removed++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Whether the key columns of `row` other than the lead (compared already) hold `probe`. */
  private matches(row: number, probe: readonly CellValue[]): boolean {
    const key = this.key;
    for (let k = 0; k < key.length; k++)
      if (k !== this.lead && !valuesEqual(this.cols[key[k]!]![row] ?? null, probe[k] ?? null))
        return false;
    return true;
  }

  /** The hash of a row's key: as `hashValue` or `hashValues` of its values, without an array. */
  private hashRow(row: number): number {
    const key = this.key;
    if (key.length === 1) return hashValue(this.cols[key[0]!]![row]);
    let h = KEY_HASH_SEED;
    for (let k = 0; k < key.length; k++) h = mixKeyHash(h, hashValue(this.cols[key[k]!]![row]));
    return h >>> 0;
  }

  /** Puts `row` in the first free slot from its hash, with `lead`, its lead column's value. */
  private place(row: number, hash: number, lead: CellValue): void {
    const slots = this.slots;
    let i = hash & this.mask;
    while (slots[i]! >= 0) i = (i + 1) & this.mask;
    if (slots[i] === REMOVED) this.removed--;
    slots[i] = row | this.tagOf(hash);
    if (this.lead >= 0) this.leads[i] = lead;
  }

  /** The top bits of a hash, placed above the row bits (the sign bit stays clear). */
  private tagOf(hash: number): number {
    return this.rowBits >= 31 ? 0 : (hash >>> (this.rowBits + 1)) << this.rowBits;
  }

  private grow(): void {
    const old = this.slots;
    const oldLeads = this.leads;
    const rowMask = this.rowMask;
    const capacity = capacityFor(Math.max(this.used * 2, 8));
    this.slots = new Int32Array(capacity).fill(EMPTY);
    if (this.lead >= 0) this.leads = new Array<CellValue>(capacity).fill(null);
    this.mask = capacity - 1;
    this.removed = 0;
    for (let i = 0; i < old.length; i++) {
      const row = old[i]! & rowMask;
      if (old[i]! >= 0) this.place(row, this.hashRow(row), oldLeads[i] ?? null);
    }
  }

  /** A row too big for the row bits: slots hold rows alone from now on (tags are all zero). */
  private untag(): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i]! >= 0) slots[i] = slots[i]! & this.rowMask;
    this.rowMask = 0x7fffffff;
    this.rowBits = 31;
  }
}

function capacityFor(rows: number): number {
  let c = 16;
  while (c < rows * 2) c *= 2;
  return c;
}
