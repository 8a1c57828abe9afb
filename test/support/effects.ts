import type { TableEffect } from '../../src/protocol/engine-api';
import type { SqlValue } from '../../src/values/sql-value';
import { exactlyEqual } from './exactly-equal';

/** A commit's effect on one table, written row by row for readability. */
export function effect(spec: {
  table: string;
  key: string[];
  columns: string[];
  deleted?: SqlValue[][];
  upserts?: { prior: SqlValue[]; row: SqlValue[] }[];
}): TableEffect {
  const ups = spec.upserts ?? [];
  const del = spec.deleted ?? [];
  return {
    table: spec.table,
    reload: false,
    dropped: false,
    key: spec.key,
    deleted: { rowids: null, keys: spec.key.map((_, k) => del.map((d) => d[k] ?? null)) },
    upserts: {
      rowids: null,
      columns: spec.columns,
      values: spec.columns.map((_, c) => ups.map((u) => u.row[c] ?? null)),
      priorKeys: spec.key.map((_, k) => ups.map((u) => u.prior[k] ?? null)),
    },
  };
}

/** A column's values as a plain array (Float64Array or not). */
const plain = (c: ArrayLike<SqlValue> | null): SqlValue[] | null => (c ? Array.from(c) : null);

/**
 * An effect in one comparable form: its patches folded into its upserts as full images (the rows
 * before the commit come from `before`, by rowid, in the effect's column order; a key a patch
 * carries must be its row's), upserts whose key
 * moved first and the rest in rowid order, every column a plain array. Two effects that tell a
 * reader the same thing have the same canonical form.
 */
export function canonicalEffect(
  effect: TableEffect,
  before: ReadonlyMap<SqlValue, readonly SqlValue[]>,
): unknown {
  const ups = effect.upserts;
  const keyAt = effect.key.map((k) => ups.columns.indexOf(k));
  interface Up {
    rowid: SqlValue;
    row: SqlValue[];
    prior: SqlValue[];
  }
  const rows: Up[] = [];
  const n = ups.values[0]?.length ?? ups.rowids?.length ?? 0;
  for (let i = 0; i < n; i++) {
    rows.push({
      rowid: ups.rowids?.[i] ?? null,
      row: ups.values.map((c) => c[i] ?? null),
      prior: ups.priorKeys.map((c) => c[i] ?? null),
    });
  }
  const patched = new Map<SqlValue, Up>();
  for (const p of effect.patches ?? []) {
    for (let i = 0; i < p.rowids.length; i++) {
      const rowid = p.rowids[i]!;
      let up = patched.get(rowid);
      if (!up) {
        const image = before.get(rowid);
        if (!image) throw new Error(`a patch names rowid ${String(rowid)}, which no row had`);
        const row = [...image];
        up = { rowid, row, prior: keyAt.map((c) => row[c]!) };
        patched.set(rowid, up);
      }
      // Keys a patch carries (a table not keyed by its rowid) must be the row's, as stored.
      const prior = up.prior;
      p.keys?.forEach((col, k) => {
        if (exactlyEqual(col[i], prior[k]) !== null)
          throw new Error(`a patch names rowid ${String(rowid)} by a key it does not have`);
      });
      p.columns.forEach((name, c) => (up.row[ups.columns.indexOf(name)] = p.values[c]![i]!));
    }
  }
  const all = [...rows, ...patched.values()];
  const moved = all.filter((u) => keyAt.some((c, k) => u.row[c] !== u.prior[k]));
  const rest = all
    .filter((u) => !moved.includes(u))
    .sort((a, b) => (a.rowid! < b.rowid! ? -1 : a.rowid! > b.rowid! ? 1 : 0));
  const ordered = [...moved, ...rest];
  return {
    table: effect.table,
    reload: effect.reload,
    dropped: effect.dropped,
    key: effect.key,
    deleted: { rowids: plain(effect.deleted.rowids), keys: effect.deleted.keys.map(plain) },
    upserts: {
      rowids: ups.rowids ? ordered.map((u) => u.rowid) : null,
      columns: ups.columns,
      values: ups.columns.map((_, c) => ordered.map((u) => u.row[c])),
      priorKeys: effect.key.map((_, k) => ordered.map((u) => u.prior[k])),
    },
  };
}
