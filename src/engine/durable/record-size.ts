import type { ColumnValues } from '../../plan/execution-plan';
import type { RedoRecord, TableEffect } from '../../protocol/engine-api';

function columnBytes(c: ColumnValues | null): number {
  if (!c) return 0;
  if (c instanceof Float64Array) return c.byteLength;
  let n = 0;
  for (const v of c) {
    if (typeof v === 'string') n += v.length * 2 + 8;
    else if (v instanceof Uint8Array) n += v.byteLength + 8;
    else n += 9;
  }
  return n;
}

function effectBytes(e: TableEffect): number {
  let n = 64 + e.table.length * 2;
  n += columnBytes(e.deleted.rowids) + columnBytes(e.upserts.rowids);
  for (const c of e.deleted.keys) n += columnBytes(c);
  for (const c of e.upserts.values) n += columnBytes(c);
  for (const c of e.upserts.priorKeys) n += columnBytes(c);
  for (const p of e.patches ?? []) {
    n += 32 + columnBytes(p.rowids);
    for (const c of p.keys ?? []) n += columnBytes(c);
    for (const c of p.columns) n += c.length * 2;
    for (const c of p.values) n += columnBytes(c);
  }
  return n;
}

/**
 * About how many bytes a redo record takes in IndexedDB (its structured-clone size: strings as
 * UTF-16, typed arrays as their bytes). Used for reports and the checkpoint threshold.
 */
export function recordSize(record: RedoRecord): number {
  let n = 64 + record.pushId.length * 2;
  for (const d of record.ddl) n += d.length * 2;
  for (const e of record.effects) n += effectBytes(e);
  n += (record.sequences?.length ?? 0) * 32;
  return n;
}
