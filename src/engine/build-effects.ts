import type { ColumnValues } from '../plan/execution-plan';
import { toColumnValues } from '../plan/column-values';
import { quoteIdentifier as q } from '../plan/sql-text';
import type { TableEffect } from '../protocol/engine-api';
import { ROWID_NAMES, type TableInfo } from '../schema/table-info';
import { keyTokens, type KeyToken } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';
import { findTable } from './introspect';
import { readColumns } from './read-table';
import { rowOf, selectValue, type SqlDatabase } from './sqlite';
import type { Rowid, TableTouch } from './table-touch';

/** Written rows beyond which one scan of the table beats a lookup per row. */
const SCAN_THRESHOLD = 5_000;

/** The name under which a table's rowid can be read (a real column may take `rowid`). */
export function rowidName(info: TableInfo): string {
  if (info.key.kind === 'rowid') return info.key.columns[0]!;
  const names = new Set(info.columns.map((c) => c.name.toLowerCase()));
  return ROWID_NAMES.find((n) => !names.has(n)) ?? 'rowid';
}

function columnsOf(rows: SqlValue[][], width: number): ColumnValues[] {
  const out: ColumnValues[] = [];
  for (let c = 0; c < width; c++) out.push(toColumnValues(rows.map((r) => r[c]!)));
  return out;
}

/** The effects of a push on each table it touched, read back from the database before COMMIT. */
export function buildEffects(
  db: SqlDatabase,
  touches: readonly TableTouch[],
  schemaChanged: ReadonlySet<string>,
): TableEffect[] {
  const effects: TableEffect[] = [];
  for (const touch of touches) {
    const info = findTable(db, touch.name);
    if (!info) continue;
    effects.push(
      info.withoutRowid
        ? keyedEffect(db, touch, info, schemaChanged.has(info.name))
        : rowidEffect(db, touch, info, schemaChanged.has(info.name)),
    );
  }
  return effects;
}

function rowidEffect(
  db: SqlDatabase,
  touch: TableTouch,
  info: TableInfo,
  schema: boolean,
): TableEffect {
  const { names, sql } = readColumns(info);
  const rid = rowidName(info);
  const t = q(info.name);
  const written = [...touch.written].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unsortedImages: SqlValue[][] = [];
  const unsortedRowids: Rowid[] = [];
  const select = `SELECT ${rid}, ${sql.join(', ')} FROM ${t}`;
  const scan =
    written.length >= SCAN_THRESHOLD &&
    written.length * 4 >= Number(selectValue(db, `SELECT count(*) FROM ${t}`));
  const stmt = db.prepare(scan ? `${select} ORDER BY ${rid}` : `${select} WHERE ${rid} = ?`);
  try {
    if (scan) {
      const wanted = touch.written;
      while (stmt.step()) {
        const row = rowOf(stmt);
        const r = row[0] as Rowid;
        if (!wanted.has(r)) continue;
        unsortedRowids.push(r);
        unsortedImages.push(row.slice(1));
      }
    } else {
      for (const r of written) {
        stmt.bind([r]);
        if (stmt.step()) {
          unsortedRowids.push(r);
          unsortedImages.push(rowOf(stmt).slice(1));
        }
        stmt.reset();
      }
    }
  } finally {
    stmt.free();
  }
  // Rows whose key moved come first: a reader matches them to its rows before new rows, which may
  // have taken a key a moved row left.
  const order = unsortedImages.map((_, i) => i);
  const moved = (i: number): number => Number(touch.prior.has(unsortedRowids[i]!));
  order.sort((a, b) => moved(b) - moved(a));
  const images = order.map((i) => unsortedImages[i]!);
  const rowids = order.map((i) => unsortedRowids[i]!);
  const keyAt = info.key.columns.map((k) => names.indexOf(k));
  // Deleted keys that are some image's prior key are not reported: either the row only moved
  // (its old rowid was vacated), or a new row took the key and readers update the row in place.
  const priors = new Set<KeyToken>();
  const priorKeys: SqlValue[][] = images.map((row, i) => {
    const final = keyAt.map((c) => row[c]!);
    const prior = touch.prior.get(rowids[i]!) ?? final;
    priors.add(keyTokens(prior));
    return prior;
  });
  const finalRowids = new Set(rowids);
  let reload = schema;
  const deletedKeys: SqlValue[][] = [];
  for (const key of touch.deleted.values()) {
    if (key === null) {
      // A trigger or cascade deleted a row whose key is not its rowid: readers cannot tell which.
      reload = true;
      continue;
    }
    if (!priors.has(keyTokens(key))) deletedKeys.push(key);
  }
  return {
    table: info.name,
    reload,
    dropped: false,
    key: [...info.key.columns],
    deleted: {
      rowids: toColumnValues([...touch.deleted.keys()].filter((r) => !finalRowids.has(r))),
      keys: columnsOf(deletedKeys, info.key.columns.length),
    },
    upserts: {
      rowids: toColumnValues(rowids),
      columns: names,
      values: columnsOf(images, names.length),
      priorKeys: columnsOf(priorKeys, info.key.columns.length),
    },
  };
}

function keyedEffect(
  db: SqlDatabase,
  touch: TableTouch,
  info: TableInfo,
  schema: boolean,
): TableEffect {
  const { names, sql } = readColumns(info);
  const stmt = db.prepare(
    `SELECT ${sql.join(', ')} FROM ${q(info.name)} WHERE ${info.key.columns.map((k) => `${q(k)} = ?`).join(' AND ')}`,
  );
  const images: SqlValue[][] = [];
  const priorKeys: SqlValue[][] = [];
  const priors = new Set<KeyToken>();
  try {
    for (const { prior, key } of touch.writtenKeys.values()) {
      stmt.bind(key);
      if (stmt.step()) {
        images.push(rowOf(stmt));
        priorKeys.push(prior);
        priors.add(keyTokens(prior));
      }
      stmt.reset();
    }
  } finally {
    stmt.free();
  }
  const deleted = [...touch.deletedKeys.values()].filter((k) => !priors.has(keyTokens(k)));
  return {
    table: info.name,
    reload: schema,
    dropped: false,
    key: [...info.key.columns],
    deleted: { rowids: null, keys: columnsOf(deleted, info.key.columns.length) },
    upserts: {
      rowids: null,
      columns: names,
      values: columnsOf(images, names.length),
      priorKeys: columnsOf(priorKeys, info.key.columns.length),
    },
  };
}
