import { PandalchemyError } from '../errors/pandalchemy-error';
import type { RowPatch, TableEffect } from '../protocol/engine-api';
import { decodeValue } from '../values/codec';
import type { CellValue, SqlValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import type { RowStore } from './row-store';

/**
 * What a commit's effect does to a store, worked out before anything changes: the rows it
 * deletes, the row each image lands on (-1: a new row), the rows each patch writes, and whether
 * an image adds a row or moves one to another key.
 */
export interface PlannedPatch {
  readonly effect: TableEffect;
  readonly dead: readonly number[];
  readonly targets: readonly number[];
  readonly patches: readonly { readonly patch: RowPatch; readonly rows: Int32Array }[];
  /** Whether the effect adds a row (an image with no stored row to land on). */
  readonly adds: boolean;
  /** Whether an image moves its row to another key. */
  readonly moves: boolean;
}

/** Writes a commit's deletes and row images into the store, in place. */
export function patchStore(store: RowStore, effect: TableEffect): void {
  applyPatch(store, planPatch(store, effect));
}

/** Works out what `effect` does to `store` (see {@link PlannedPatch}); changes nothing. */
export function planPatch(store: RowStore, effect: TableEffect): PlannedPatch {
  const kinds = store.kinds;
  const keyKinds = store.keyColumns.map((k) => kinds[k]!);
  const decodeKey = (cols: readonly ArrayLike<SqlValue>[], i: number): CellValue[] =>
    keyKinds.map((kind, k) => decodeValue(kind, cols[k]![i] ?? null));
  const deleted = effect.deleted.keys;
  const nDeleted = deleted[0]?.length ?? 0;
  const ups = effect.upserts;
  const nUps = ups.values[0]?.length ?? 0;
  // Find every row before changing any key: a swap would otherwise find a half-moved row.
  const dead: number[] = [];
  for (let i = 0; i < nDeleted; i++) {
    const r = store.find(decodeKey(deleted as readonly ArrayLike<SqlValue>[], i));
    if (r >= 0) dead.push(r);
  }
  // A row may take the key another row just left: each stored row is the target of one image at
  // most (moved rows come first in an effect), the others are new rows.
  // An image whose prior key this copy does not hold, but whose key it does, lands on that row:
  // this copy moved the row already (a device taking back its own push from the sync server),
  // and the commit leaves one row under that key.
  const targets: number[] = [];
  const claimed = new Set<number>();
  const keyAt = store.keyColumns;
  const finalKey = (i: number): CellValue[] =>
    keyAt.map((c, k) =>
      decodeValue(keyKinds[k]!, (ups.values[c] as ArrayLike<SqlValue>)[i] ?? null),
    );
  for (let i = 0; i < nUps; i++) {
    let r = store.find(decodeKey(ups.priorKeys as readonly ArrayLike<SqlValue>[], i));
    if (r < 0) r = store.find(finalKey(i));
    targets.push(r >= 0 && !claimed.has(r) ? r : -1);
    if (r >= 0) claimed.add(r);
  }
  // Patched rows were neither deleted nor moved: found now, they are the same rows after.
  const patches = (effect.patches ?? []).map((p) => patchTargets(store, p, decodeKey));
  let adds = false;
  let moves = false;
  for (let i = 0; i < nUps; i++) {
    if (targets[i]! < 0) adds = true;
    const prior = decodeKey(ups.priorKeys as readonly ArrayLike<SqlValue>[], i);
    if (finalKey(i).some((v, k) => !valuesEqual(v, prior[k]!))) moves = true;
  }
  return { effect, dead, targets, patches, adds, moves };
}

/** Does what {@link planPatch} worked out, in place. */
export function applyPatch(store: RowStore, plan: PlannedPatch): void {
  const { dead, targets, patches } = plan;
  const kinds = store.kinds;
  const ups = plan.effect.upserts;
  const nUps = ups.values[0]?.length ?? 0;
  for (const r of dead) store.kill(r);
  for (let i = 0; i < nUps; i++) {
    const values = ups.values.map((col, c) =>
      decodeValue(kinds[c]!, (col as ArrayLike<SqlValue>)[i] ?? null),
    );
    const r = targets[i]!;
    if (r >= 0 && !store.isDead(r)) {
      values.forEach((v, c) => {
        if (!valuesEqual(store.get(r, c), v)) store.set(r, c, v);
      });
    } else {
      store.append(values);
    }
  }
  for (const { patch, rows } of patches) {
    patch.columns.forEach((name, j) => {
      const c = store.names.indexOf(name);
      const col = patch.values[j] as ArrayLike<SqlValue>;
      const kind = kinds[c]!;
      // A whole column written back (a push of a transform): one new array, not a write per row.
      if (rows.length >= store.length >> 3) {
        // A number of a column that is not boolean, date or datetime is its own cell value.
        const numbers =
          col instanceof Float64Array &&
          kind !== 'boolean' &&
          kind !== 'date' &&
          kind !== 'datetime'
            ? col
            : null;
        store.setMany(c, rows, (i) => decodeValue(kind, col[i] ?? null), numbers);
        return;
      }
      for (let i = 0; i < rows.length; i++) {
        const v = decodeValue(kind, col[i] ?? null);
        if (!valuesEqual(store.get(rows[i]!, c), v)) store.set(rows[i]!, c, v);
      }
    });
  }
}

/**
 * The stored row of each row a patch names. A row missing here means this copy did not take in
 * some earlier commit: refused before anything changes, as no row-by-row update can repair it.
 */
function patchTargets(
  store: RowStore,
  patch: RowPatch,
  decodeKey: (cols: readonly ArrayLike<SqlValue>[], i: number) => CellValue[],
): { patch: RowPatch; rows: Int32Array } {
  const rows = new Int32Array(patch.rowids.length);
  // A table not keyed by its rowid names the rows by key too; otherwise the rowids are the keys.
  const keys = (patch.keys ?? [patch.rowids]) as readonly ArrayLike<SqlValue>[];
  // An integer key: looked up as itself, without an array per row.
  const kind = store.kinds[store.keyColumns[0]!];
  const one = store.keyColumns.length === 1 && (kind === 'integer' || kind === 'numeric');
  for (let i = 0; i < rows.length; i++) {
    const id = keys[0]![i];
    const r = one && typeof id === 'number' ? store.findOne(id) : store.find(decodeKey(keys, i));
    if (r < 0) {
      throw new PandalchemyError(
        'internal',
        `A commit updated a row of this table that this copy does not hold: reload the table.`,
        { key: decodeKey(keys, i) },
      );
    }
    rows[i] = r;
  }
  return { patch, rows };
}
