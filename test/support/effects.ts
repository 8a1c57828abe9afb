import type { TableEffect } from '../../src/protocol/engine-api';
import type { SqlValue } from '../../src/values/sql-value';

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
