import { isRowidKeyed } from '../dialect/sqlite/sqlite-rowid';
import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import type { ColumnValues, InsertStep } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { eachRow, rowidOf, rowidsOf, stepReturning } from './each-row';
import { readColumns } from './read-table';
import { columnAffinities } from './run-update';
import { RowHook } from './row-hook';
import type { SqlDatabase } from './sqlite';
import type { SqliteStatement } from '../dialect/sqlite/sqlite-data-step';
import { storedColumns } from './stored-columns';
import { StoredKeyReader } from './stored-key-reader';
import type { Rowid, TableTouch } from './table-touch';

/**
 * Runs an insert step (see `runDataStep`): the dialect's statement once per row. Unlogged, each
 * row is reported to `touch` by its rowid (the key of a rowid-keyed table, else what RETURNING
 * says), with its image where it is known without reading it back.
 */
export function runInsert(
  db: SqlDatabase,
  step: InsertStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
): void {
  const info = touch.info;
  let [st] = sqliteDialect.dataStep(step, info, { guard: null, report: true });
  // Unlogged, the rowids RETURNING would tell are told by the update hook where it can.
  const hook = !logged && st!.returning.length ? RowHook.open(db, info, step) : null;
  if (hook) [st] = sqliteDialect.dataStep(step, info, { guard: null, report: false });
  try {
    insertRows(db, step, touch, progress, logged, st!, hook);
  } finally {
    hook?.close();
  }
}

function insertRows(
  db: SqlDatabase,
  step: InsertStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  st: SqliteStatement,
  hook: RowHook | null,
): void {
  const info = touch.info;
  const keyIndex = info.key.columns.map((k) => step.columns.indexOf(k));
  // Unlogged, a rowid-keyed row's rowid is its key; where the step leaves the key to SQLite, or the
  // key is not the rowid, RETURNING says it.
  const rowids = !logged && !info.withoutRowid;
  const given = rowids && keyIndex[0]! >= 0 ? step.values[keyIndex[0]!]! : null;
  const returning = st.returning.length > 0 || hook !== null;
  const keyOf = (i: number): SqlValue[] | undefined =>
    keyIndex.every((j) => j >= 0) ? keyIndex.map((j) => step.values[j]![i] ?? null) : undefined;
  const images = rowids ? knownImages(info, step) : null;
  // Rows whose image is known (RETURNING): their rowid, and a 1 in `known`.
  const stepRowids: Rowid[] = images && returning ? new Array<Rowid>(step.count) : [];
  const known = images && returning ? new Uint8Array(step.count) : null;
  // WITHOUT ROWID, each row's key as stored is read after it went in (see StoredKeyReader).
  const stored =
    info.withoutRowid && !logged ? new StoredKeyReader(db, info, info.key.columns) : null;
  try {
    eachRow(db, st, step, keyOf, progress, (stmt, i) => {
      if (!returning) {
        stmt.step();
        if (stored) {
          const key = stored.read(keyOf(i)!);
          touch.writeKey(key, key);
        }
        return;
      }
      let rowid: Rowid | null;
      if (hook) {
        stmt.step();
        rowid = hook.take();
      } else {
        rowid = stepReturning(stmt);
      }
      // Logged, the change log reports the row.
      if (rowid === null || !rowids) return;
      if (images && (!images.exact || images.exact[i])) {
        stepRowids[i] = rowid;
        known![i] = 1;
      } else {
        touch.inserted(rowid);
      }
    });
  } finally {
    stored?.free();
  }
  if (!rowids) return;
  if (!returning) {
    // Every row went in (an insert that fails throws) under the rowid the step gave it.
    const all =
      given instanceof Float64Array ? rowidsOf(given) : Array.from(given!, (v) => rowidOf(v));
    if (images)
      touch.known.addStep(all as ArrayLike<Rowid>, columnsWith(images, all), images.exact);
    // Rows whose image is not known (a value not stored as given, or no images at all) are read back.
    for (let i = 0; i < step.count; i++)
      if (!images || (images.exact && !images.exact[i])) touch.inserted(all[i] as Rowid);
  } else if (images) {
    touch.known.addStep(stepRowids, columnsWith(images, stepRowids as ColumnValues), known);
  }
}

/** Known images' columns, the rowid column filled in. */
function columnsWith(
  images: { columns: (ColumnValues | null)[] },
  rowids: ColumnValues,
): ColumnValues[] {
  return images.columns.map((c) => c ?? rowids);
}

/**
 * The images of an insert step's rows as a read would give them, where certain (see
 * `storedColumns`): the step gives every column (or leaves only the rowid to SQLite), and each
 * value is stored as given. Columns in the table's read order, null for the rowid's (known only
 * once the row is in); null for a step that cannot tell.
 */
function knownImages(
  info: TableInfo,
  step: InsertStep,
): { columns: (ColumnValues | null)[]; exact: Uint8Array | null } | null {
  const { names } = readColumns(info);
  const rowidColumn = isRowidKeyed(info) ? info.key.columns[0] : null;
  const sources = names.map((n) => (n === rowidColumn ? -1 : step.columns.indexOf(n)));
  if (sources.some((s, c) => s < 0 && names[c] !== rowidColumn)) return null;
  const affinities = columnAffinities(info);
  const given = sources.filter((s) => s >= 0);
  if (given.some((s) => !affinities.has(step.columns[s]!))) return null;
  const stored = storedColumns(
    given.map((s) => step.values[s]!),
    given.map((s) => affinities.get(step.columns[s]!)!),
    step.count,
  );
  if (!stored) return null;
  let k = 0;
  return {
    columns: sources.map((s) => (s < 0 ? null : stored.values[k++]!)),
    exact: stored.exact,
  };
}
