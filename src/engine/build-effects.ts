import type { ColumnValues } from '../plan/execution-plan';
import { columnValuesOf, toColumnValues } from '../plan/column-values';
import type { TableEffect } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { rowidName } from '../dialect/sqlite/sqlite-rowid';
import { keyToken, keyTokens, type KeyToken } from '../values/key-hash';
import type { ColumnKind } from '../values/column-kind';
import type { SqlValue } from '../values/sql-value';
import { ExactStatement } from './exact-statement';
import { collect, readColumns } from './read-table';
import type { KnownImages } from './known-images';
import { RowSelect } from './row-select';
import type { SqlDatabase } from './sqlite';
import type { Rowid, TableTouch } from './table-touch';

function columnsOf(rows: SqlValue[][], width: number): ColumnValues[] {
  const out: ColumnValues[] = [];
  for (let c = 0; c < width; c++) out.push(toColumnValues(rows.map((r) => r[c]!)));
  return out;
}

/**
 * The effects of a push on each table it touched, read back from the database before COMMIT.
 * Tables `schemaChanged`, and tables in which rows may have gone unseen (`unseen`, see
 * `silentlyDeleting`), are marked for readers to reload.
 */
export function buildEffects(
  db: SqlDatabase,
  touches: readonly TableTouch[],
  schemaChanged: ReadonlySet<string>,
  unseen: ReadonlySet<string>,
): TableEffect[] {
  const effects: TableEffect[] = [];
  for (const touch of touches) {
    // Data steps change no schema: the table is as the push's data steps found it.
    const info = touch.info;
    const reload = schemaChanged.has(info.name) || unseen.has(info.name);
    effects.push(
      info.withoutRowid
        ? keyedEffect(db, touch, info, reload)
        : rowidEffect(db, touch, info, reload),
    );
  }
  return effects;
}

function rowidEffect(
  db: SqlDatabase,
  touch: TableTouch,
  info: TableInfo,
  /** Readers must reload whatever the rows say (see `buildEffects`). */
  reload: boolean,
): TableEffect {
  const { names, sql, kinds } = readColumns(info);
  const readBack = readWritten(db, info, sql, kinds, touch.written);
  const read = withKnown(readBack, touch.known);
  // Rows whose key moved come first: a reader matches them to its rows before new rows, which may
  // have taken a key a moved row left.
  const order = movedFirst(read.rowids, touch.prior, read.length);
  const rowids = order ? permute(read.rowids, order) : read.rowids;
  const values = order ? read.images.map((c) => permute(c, order)) : read.images;
  const keyAt = info.key.columns.map((k) => names.indexOf(k));
  // Prior keys are the final keys except where a key moved: then copied, as they are written.
  const priorKeys = keyAt.map((c) => (touch.prior.size ? values[c]!.slice() : values[c]!));
  if (touch.prior.size) {
    for (let i = 0; i < read.length; i++) {
      const prior = touch.prior.get(rowids[i]! as Rowid);
      if (prior) priorKeys.forEach((col, k) => setAt(priorKeys, k, i, prior[k]!, col));
    }
  }
  // Rows that exist after the push: read back, or known.
  const readRowids = new Set<Rowid>();
  if (touch.deleted.size)
    for (let i = 0; i < readBack.length; i++) readRowids.add(readBack.rowids[i] as Rowid);
  const exists = (r: Rowid): boolean => touch.known.has(r) || readRowids.has(r);
  const { deleted, unknown } = deletedOf(touch, info, priorKeys, read.length, exists);
  return {
    table: info.name,
    reload: reload || unknown,
    dropped: false,
    key: [...info.key.columns],
    deleted,
    upserts: { rowids, columns: names, values, priorKeys },
    patches: touch.livePatches().map((p) => ({ ...p, columns: [...p.columns] })),
  };
}

/**
 * The rows a push deleted as readers need them: rowids gone, and keys gone. Deleted keys that are
 * some image's prior key are not reported: either the row only moved (its old rowid was vacated),
 * or a new row took the key and readers update the row in place. `unknown`: a deleted row's key
 * could not be told (readers must reload).
 */
function deletedOf(
  touch: TableTouch,
  info: TableInfo,
  priorKeys: readonly ColumnValues[],
  length: number,
  exists: (r: Rowid) => boolean,
): { deleted: TableEffect['deleted']; unknown: boolean } {
  const run = touch.rowidKeyed && !touch.prior.size ? touch.deleted.soleRun() : null;
  // One delete step's rows, none back: its key column is both the rowids and the keys.
  if (run && !someRow(run, exists))
    return { deleted: { rowids: run, keys: [run] }, unknown: false };
  let unknown = false;
  // Deleted keys column by column, and deleted rowids.
  const keys: SqlValue[][] = info.key.columns.map(() => []);
  const rowids: SqlValue[] = [];
  const pushKey = (key: readonly SqlValue[]): void => key.forEach((v, k) => keys[k]!.push(v));
  if (touch.deleted.size && touch.rowidKeyed && !touch.prior.size) {
    // Each row's key is its rowid and no image's key moved: a deleted key is some image's prior
    // key exactly when a row of that rowid exists after the push.
    touch.deleted.forEach((r, key) => {
      const gone = !exists(r);
      if (gone) rowids.push(r);
      if (key === undefined) {
        if (gone) keys[0]!.push(r);
      } else if (key !== null && !exists(key[0] as Rowid)) pushKey(key);
    });
  } else if (touch.deleted.size) {
    // A one-column key is its own token: no string per row.
    const token = (key: readonly SqlValue[]): KeyToken =>
      key.length === 1 ? keyToken(key[0]) : keyTokens(key);
    const priors = new Set<KeyToken>();
    const only = priorKeys.length === 1 ? priorKeys[0]! : null;
    for (let i = 0; i < length; i++)
      priors.add(only ? keyToken(only[i]) : keyTokens(priorKeys.map((c) => c[i]!)));
    touch.deleted.forEach((r, key) => {
      if (!exists(r)) rowids.push(r);
      const k = key === undefined ? [r] : key;
      // A trigger or cascade deleted a row whose key is not its rowid: readers cannot tell which.
      if (k === null) unknown = true;
      else if (!priors.has(token(k))) pushKey(k);
    });
  }
  return { deleted: { rowids: toColumnValues(rowids), keys: keys.map(toColumnValues) }, unknown };
}

/** Whether `test` holds for some rowid of `rowids`. */
function someRow(rowids: Float64Array, test: (r: Rowid) => boolean): boolean {
  for (let i = 0; i < rowids.length; i++) if (test(rowids[i]!)) return true;
  return false;
}

/**
 * The current images of the written rows that still exist, in rowid order, read by one statement
 * (see `sqliteDialect.readBack`).
 */
function readWritten(
  db: SqlDatabase,
  info: TableInfo,
  sql: readonly string[],
  kinds: readonly ColumnKind[],
  written: ReadonlySet<Rowid>,
): { rowids: ColumnValues; images: ColumnValues[]; length: number } {
  // Nothing to read (a push that only deleted, or whose inserted rows are all known): no statement.
  if (!written.size)
    return { rowids: new Float64Array(0), images: sql.map(() => new Float64Array(0)), length: 0 };
  const select = new RowSelect(db, [rowidName(info), ...sql], ['integer', ...kinds]);
  const stmt = db.prepare(sqliteDialect.readBack.byRowid(info, select.sql));
  try {
    stmt.bind([`[${[...written].join(',')}]`]);
    // Stored values, not decoded: readers decode them by their own column kinds.
    const all = new Array<ColumnKind>(sql.length + 1).fill('any');
    const { values, length } = collect(stmt, all, select);
    const [rowids, ...images] = values as ColumnValues[];
    return { rowids: rowids!, images, length };
  } finally {
    stmt.free();
  }
}

/**
 * Rows read back merged with rows whose images are known, in rowid order. Both lists are sorted;
 * in the usual push the known rows are all there is, or all come after the rows read, and their
 * columns are used as they are.
 */
function withKnown(
  read: { rowids: ColumnValues; images: ColumnValues[]; length: number },
  images: KnownImages,
): { rowids: ColumnValues; images: ColumnValues[]; length: number } {
  if (!images.size) return read;
  const known = images.gather(read.images.length);
  if (!read.length)
    return { rowids: known.rowids, images: [...known.columns], length: known.length };
  const n = read.length + known.length;
  // Where each output row comes from: i >= 0 row i read back, -1 - j known row j.
  const from = new Int32Array(n);
  const rowids = new Array<SqlValue>(n);
  for (let i = 0, j = 0, k = 0; k < n; k++) {
    const r = i < read.length ? (read.rowids[i] as Rowid) : null;
    if (r !== null && (j === known.length || r < (known.rowids[j] as Rowid))) {
      from[k] = i++;
      rowids[k] = r;
    } else {
      from[k] = -1 - j;
      rowids[k] = known.rowids[j++]!;
    }
  }
  const out: ColumnValues[] = [];
  for (let c = 0; c < read.images.length; c++) {
    const column = read.images[c]!;
    const other = known.columns[c]!;
    out.push(
      columnValuesOf(n, (k) => {
        const f = from[k]!;
        return f >= 0 ? (column[f] ?? null) : (other[-1 - f] ?? null);
      }),
    );
  }
  return { rowids: toColumnValues(rowids), images: out, length: n };
}

/** The order that puts rows whose key moved first (stable), or null when none moved. */
function movedFirst(
  rowids: ColumnValues,
  prior: ReadonlyMap<Rowid, unknown>,
  length: number,
): number[] | null {
  if (!prior.size) return null;
  const first: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < length; i++) (prior.has(rowids[i]! as Rowid) ? first : rest).push(i);
  return first.length ? first.concat(rest) : null;
}

function permute(values: ColumnValues, order: readonly number[]): ColumnValues {
  if (values instanceof Float64Array) return Float64Array.from(order, (i) => values[i]!);
  return order.map((i) => values[i]!);
}

/** Sets one value of column `k`, turning a Float64Array into an array when the value is not a number. */
function setAt(
  columns: ColumnValues[],
  k: number,
  i: number,
  value: SqlValue,
  col: ColumnValues,
): void {
  if (col instanceof Float64Array) {
    if (typeof value === 'number') {
      col[i] = value;
      return;
    }
    columns[k] = Array.from(col);
  }
  (columns[k] as SqlValue[])[i] = value;
}

function keyedEffect(
  db: SqlDatabase,
  touch: TableTouch,
  info: TableInfo,
  /** Readers must reload whatever the rows say (see `buildEffects`). */
  reload: boolean,
): TableEffect {
  const { names, sql, kinds } = readColumns(info);
  const select = new RowSelect(db, sql, kinds);
  const exact = new ExactStatement(db, sqliteDialect.readBack.byKey(info, select.sql));
  const images: SqlValue[][] = [];
  const priorKeys: SqlValue[][] = [];
  const priors = new Set<KeyToken>();
  try {
    for (const { prior, key } of touch.writtenKeys.values()) {
      const stmt = exact.bind(key);
      if (stmt.step()) {
        images.push(select.read(stmt));
        priorKeys.push(prior);
        priors.add(keyTokens(prior));
      }
      stmt.reset();
    }
  } finally {
    exact.free();
  }
  const deleted = [...touch.deletedKeys.values()].filter((k) => !priors.has(keyTokens(k)));
  return {
    table: info.name,
    reload,
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
