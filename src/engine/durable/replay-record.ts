import type { ColumnValues } from '../../plan/execution-plan';
import { quoteIdentifier as q } from '../../dialect/quote-identifier';
import type { RedoRecord, RowPatch, TableEffect } from '../../protocol/engine-api';
import type { TableInfo } from '../../schema/table-info';
import type { SqlValue } from '../../values/sql-value';
import { sqliteDialect } from '../../dialect/sqlite/sqlite-dialect';
import { keyColumnSql, rowidName } from '../../dialect/sqlite/sqlite-rowid';
import { restoreSqliteSequences } from '../../dialect/sqlite/sqlite-sequences';
import { rollback } from '../apply-plan';
import { runDdl } from '../redo-ddl';
import { ReplaySchema } from './replay-schema';
import { runAll, type SqlDatabase } from '../sqlite';
import { withExactIntegers } from './exact-integers';

const valueAt = (c: ColumnValues, i: number): SqlValue => c[i] ?? null;

/**
 * Applies a redo record to the state it was recorded on, reproducing the state after it exactly.
 * The record holds the rows as the database decided them, so nothing may decide again: foreign-key
 * actions are off and the touched tables' triggers are set aside while it runs. `schema` keeps
 * what is read of the schema from one record to the next: pass one for a run of records.
 */
export function replayRecord(
  db: SqlDatabase,
  record: RedoRecord,
  foreignKeys: boolean,
  schema: ReplaySchema = new ReplaySchema(db),
): void {
  const replay = sqliteDialect.replay;
  db.run(replay.before);
  try {
    db.run(replay.begin);
    try {
      if (record.ddl.length) schema.changed();
      for (const statement of record.ddl) runDdl(db, statement);
      const live = record.effects.filter((e) => !e.dropped);
      const touched = new Set(live.map((e) => e.table));
      const triggers = schema.triggers(touched);
      for (const [name] of triggers) db.run(`DROP TRIGGER ${q(name)}`);
      for (const effect of live) {
        const info = schema.table(effect.table);
        if (info) replayEffect(db, info, effect);
      }
      if (record.sequences)
        for (const st of restoreSqliteSequences(record.sequences)) runAll(db, st);
      for (const [, sql] of triggers) db.run(sql);
      db.run(replay.commit);
      schema.recreated(touched);
    } catch (e) {
      rollback(db);
      // What was read may describe a schema the rollback undid.
      schema.changed();
      throw e;
    }
  } finally {
    if (foreignKeys) db.run(replay.after);
  }
}

function replayEffect(db: SqlDatabase, info: TableInfo, effect: TableEffect): void {
  replayRows(db, info, effect);
  for (const p of effect.patches ?? []) replayPatch(db, info, p);
}

/** Sets a patch's columns of its rows, found by rowid (patched rows are never deleted or moved). */
function replayPatch(db: SqlDatabase, info: TableInfo, p: RowPatch): void {
  const params = new Array<SqlValue>(p.columns.length + 1);
  withExactIntegers(
    db,
    (at) =>
      `UPDATE ${q(info.name)} SET ${p.columns.map((c, j) => `${q(c)} = ${at(j)}`).join(', ')} WHERE ${rowidName(info)} = ${at(p.columns.length)}`,
    (run) => {
      for (let i = 0; i < p.rowids.length; i++) {
        for (let c = 0; c < p.columns.length; c++) params[c] = valueAt(p.values[c]!, i);
        params[p.columns.length] = valueAt(p.rowids, i);
        run(params);
      }
    },
  );
}

function replayRows(db: SqlDatabase, info: TableInfo, effect: TableEffect): void {
  const t = q(info.name);
  const ups = effect.upserts;
  const n = ups.values[0]?.length ?? ups.rowids?.length ?? 0;
  const gone = effect.deleted.rowids?.length ?? effect.deleted.keys[0]?.length ?? 0;
  // A record of patches only (a one-cell push) has no rows here: prepare nothing.
  if (!n && !gone) return;
  if (!info.withoutRowid && effect.deleted.rowids && ups.rowids) {
    const rid = rowidName(info);
    withExactIntegers(
      db,
      (at) => `DELETE FROM ${t} WHERE ${rid} = ${at(0)}`,
      (run) => {
        for (const rowids of [effect.deleted.rowids!, ups.rowids!])
          for (let i = 0; i < rowids.length; i++) run([valueAt(rowids, i)]);
      },
    );
    // Rowid tables expose the rowid as their first column already; others get it in front.
    const withRowid = info.key.kind !== 'rowid';
    const columns = [...(withRowid ? [rid] : []), ...ups.columns.map((c) => keyColumnSql(info, c))];
    const values = [...(withRowid ? [ups.rowids] : []), ...ups.values];
    insertRows(db, t, columns, values, n);
    return;
  }
  const keyAt = effect.key.map((k) => ups.columns.indexOf(k));
  withExactIntegers(
    db,
    (at) =>
      `DELETE FROM ${t} WHERE ${effect.key.map((k, j) => `${q(k)} = ${at(j)}`).join(' AND ')}`,
    (run) => {
      for (const keys of [effect.deleted.keys, ups.priorKeys]) {
        const m = keys[0]?.length ?? 0;
        for (let i = 0; i < m; i++) run(keys.map((k) => valueAt(k, i)));
      }
      for (let i = 0; i < n; i++) run(keyAt.map((c) => valueAt(ups.values[c]!, i)));
    },
  );
  insertRows(db, t, ups.columns.map(q), ups.values, n);
}

function insertRows(
  db: SqlDatabase,
  table: string,
  columns: readonly string[],
  values: readonly ColumnValues[],
  n: number,
): void {
  if (!n) return;
  withExactIntegers(
    db,
    (at) =>
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, j) => at(j)).join(', ')})`,
    (run) => {
      for (let i = 0; i < n; i++) run(values.map((v) => valueAt(v, i)));
    },
  );
}
