import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import type { ColumnValues, DeleteStep, Guard } from '../plan/execution-plan';
import { eachRow, eachToldRow, rowAt, rowidOf, rowidsOf, stepReturningRow } from './each-row';
import { GuardMiss } from './inline-guards';
import { matchedKeys } from '../dialect/sqlite/matched-keys';
import { RowHook } from './row-hook';
import { exactValue, type SqlDatabase } from './sqlite';
import { StoredKeyReader } from './stored-key-reader';
import type { SqliteStatement } from '../dialect/sqlite/sqlite-data-step';
import type { Rowid, TableTouch } from './table-touch';

/**
 * Runs a delete step (see `runDataStep`): the SQLite dialect's statement once per row, each row
 * it deleted reported to `touch` unless the change log reports it.
 */
export function runDelete(
  db: SqlDatabase,
  step: DeleteStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null,
): void {
  const info = touch.info;
  const [st] = sqliteDialect.dataStep(step, info, { guard, report: true });
  const guarded = st!.expect === 'one';
  // When the rowid is not the key, RETURNING tells which rowid the deleted key had.
  const returning = st!.returning.length > 0;
  if (returning && !logged && !guarded) {
    const hook = RowHook.open(db, info, step);
    if (hook) return deleteHooked(db, step, touch, progress, st!, hook);
  }
  // Unlogged, a row of a rowid-keyed table is reported after the step, all rows at once.
  const byKey = !logged && !returning && !info.withoutRowid;
  let missed: number[] | null = null;
  // WITHOUT ROWID, the key a row had as stored is read before it goes (see StoredKeyReader).
  const stored =
    info.withoutRowid && !logged && !guarded ? new StoredKeyReader(db, info, step.key) : null;
  try {
    eachRow(
      db,
      st!,
      step,
      (i) => rowAt(step.keys, i),
      progress,
      (stmt, i) => {
        if (guarded) {
          stmt.step();
          if (db.getRowsModified() === 0) throw new GuardMiss();
          return;
        }
        if (returning) {
          // The row's rowid, then its key as stored (which the plan's may only compare equal to).
          const row = stepReturningRow(stmt);
          if (row === null) return;
          const rowid = exactValue(row[0]!) as Rowid;
          touch.planKey(rowid, row.length > 1 ? row.slice(1) : rowAt(step.keys, i));
          // Unlogged, RETURNING is what tells the row went: the key it had is the plan's.
          if (!logged) touch.removed(rowid);
        } else {
          const key = stored?.read(rowAt(step.keys, i));
          stmt.step();
          if (info.withoutRowid) {
            if (key && db.getRowsModified() > 0) touch.deleteKey(key);
          } else if (byKey && db.getRowsModified() === 0) (missed ??= []).push(i);
        }
      },
    );
  } finally {
    stored?.free();
  }
  if (byKey) touch.removedRows(deletedRowids(step.keys[0]!, step.count, missed));
}

/**
 * An unlogged, unguarded delete of a table whose rowid is not its key: the rowid of each row
 * deleted told by `hook`, its key as stored by the plan's key where that tells it (see
 * `matchedKeys`), the statement without RETURNING; other rows by the statement `returning` their
 * rowid and key, as the change log would need them.
 */
function deleteHooked(
  db: SqlDatabase,
  step: DeleteStep,
  touch: TableTouch,
  progress: (n: number) => void,
  returning: SqliteStatement,
  hook: RowHook,
): void {
  const keys = matchedKeys(touch.info, step.keys, step.count);
  const [plain] = sqliteDialect.dataStep(step, touch.info, { guard: null, report: false });
  eachToldRow(db, plain!, returning, step, keys, hook, progress, (i, rowid, returned) =>
    touch.removedKey(rowid, returned ? returned.slice(1) : rowAt(keys!.values, i)),
  );
}

/**
 * The rowids of the rows a delete step of a rowid-keyed table deleted: its keys, but for the rows
 * it `missed` (not there). A Float64Array of keys that all matched is used as it is: a key that
 * matched a rowid is that integer.
 */
function deletedRowids(
  keys: ColumnValues,
  count: number,
  missed: readonly number[] | null,
): ArrayLike<Rowid> {
  if (!missed && keys instanceof Float64Array && keys.length === count) return rowidsOf(keys);
  const out: Rowid[] = [];
  for (let i = 0, m = 0; i < count; i++) {
    if (missed && missed[m] === i) m++;
    else out.push(rowidOf(keys[i] ?? null));
  }
  return out;
}
