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
import type { ExactStatement } from '../exact-statement';
import { ReplayStatements } from './replay-statements';

const valueAt = (c: ColumnValues, i: number): SqlValue => c[i] ?? null;

/**
 * Applies a redo record to the state it was recorded on, reproducing the state after it exactly
 * (see {@link replayRecords}). `schema` keeps what is read of the schema from one record to the
 * next: pass one for a run of records.
 */
export function replayRecord(
  db: SqlDatabase,
  record: RedoRecord,
  foreignKeys: boolean,
  schema: ReplaySchema = new ReplaySchema(db),
): void {
  replayRecords(db, [record], foreignKeys, schema);
}

/**
 * Applies a run of redo records in order, each to the state the one before left, in one
 * transaction: all of them, or none when one fails. A record holds the rows as the database
 * decided them, so nothing may decide again: foreign-key actions are off and the touched tables'
 * triggers are set aside while it runs. One transaction and one set of prepared statements for
 * the run: a reopen after a thousand one-cell pushes paid a transaction and a prepared UPDATE for
 * each. `onReplayed(i)` follows record `i`.
 *
 * @example
 * ```ts
 * replayRecords(db, stored.records, true, new ReplaySchema(db), (i) => progress(i + 1));
 * ```
 */
export function replayRecords(
  db: SqlDatabase,
  records: readonly RedoRecord[],
  foreignKeys: boolean,
  schema: ReplaySchema = new ReplaySchema(db),
  onReplayed?: (i: number) => void,
): void {
  const replay = sqliteDialect.replay;
  const statements = new ReplayStatements(db);
  db.run(replay.before);
  try {
    db.run(replay.begin);
    try {
      records.forEach((record, i) => {
        replayOne(db, record, schema, statements);
        onReplayed?.(i);
      });
      db.run(replay.commit);
    } catch (e) {
      rollback(db);
      // What was read may describe a schema the rollback undid.
      schema.changed();
      throw e;
    }
  } finally {
    statements.free();
    if (foreignKeys) db.run(replay.after);
  }
}

function replayOne(
  db: SqlDatabase,
  record: RedoRecord,
  schema: ReplaySchema,
  statements: ReplayStatements,
): void {
  if (record.ddl.length) {
    schema.changed();
    statements.free();
  }
  for (const statement of record.ddl) runDdl(db, statement);
  const live = record.effects.filter((e) => !e.dropped);
  const touched = new Set(live.map((e) => e.table));
  const triggers = schema.triggers(touched);
  for (const [name] of triggers) db.run(`DROP TRIGGER ${q(name)}`);
  for (const effect of live) {
    const info = schema.table(effect.table);
    if (info) replayEffect(statements, info, effect);
  }
  if (record.sequences) for (const st of restoreSqliteSequences(record.sequences)) runAll(db, st);
  for (const [, sql] of triggers) db.run(sql);
  schema.recreated(touched);
}

function replayEffect(statements: ReplayStatements, info: TableInfo, effect: TableEffect): void {
  replayRows(statements, info, effect);
  for (const p of effect.patches ?? []) replayPatch(statements, info, p);
}

/** Runs `stmt` with `params`, each BigInt bound as the integer it is (see `ExactStatement`). */
function runExact(stmt: ExactStatement, params: readonly SqlValue[]): void {
  stmt.for(params).run(params);
}

/** Sets a patch's columns of its rows, found by rowid (patched rows are never deleted or moved). */
function replayPatch(statements: ReplayStatements, info: TableInfo, p: RowPatch): void {
  const params = new Array<SqlValue>(p.columns.length + 1);
  const stmt = statements.get(
    `UPDATE ${q(info.name)} SET ${p.columns.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${rowidName(info)} = ?`,
  );
  for (let i = 0; i < p.rowids.length; i++) {
    for (let c = 0; c < p.columns.length; c++) params[c] = valueAt(p.values[c]!, i);
    params[p.columns.length] = valueAt(p.rowids, i);
    runExact(stmt, params);
  }
}

function replayRows(statements: ReplayStatements, info: TableInfo, effect: TableEffect): void {
  const t = q(info.name);
  const ups = effect.upserts;
  const n = ups.values[0]?.length ?? ups.rowids?.length ?? 0;
  const gone = effect.deleted.rowids?.length ?? effect.deleted.keys[0]?.length ?? 0;
  // A record of patches only (a one-cell push) has no rows here: prepare nothing.
  if (!n && !gone) return;
  if (!info.withoutRowid && effect.deleted.rowids && ups.rowids) {
    const rid = rowidName(info);
    const del = statements.get(`DELETE FROM ${t} WHERE ${rid} = ?`);
    for (const rowids of [effect.deleted.rowids, ups.rowids])
      for (let i = 0; i < rowids.length; i++) runExact(del, [valueAt(rowids, i)]);
    // Rowid tables expose the rowid as their first column already; others get it in front.
    const withRowid = info.key.kind !== 'rowid';
    const columns = [...(withRowid ? [rid] : []), ...ups.columns.map((c) => keyColumnSql(info, c))];
    const values = [...(withRowid ? [ups.rowids] : []), ...ups.values];
    insertRows(statements, t, columns, values, n);
    return;
  }
  const keyAt = effect.key.map((k) => ups.columns.indexOf(k));
  const del = statements.get(
    `DELETE FROM ${t} WHERE ${effect.key.map((k) => `${q(k)} = ?`).join(' AND ')}`,
  );
  for (const keys of [effect.deleted.keys, ups.priorKeys]) {
    const m = keys[0]?.length ?? 0;
    for (let i = 0; i < m; i++)
      runExact(
        del,
        keys.map((k) => valueAt(k, i)),
      );
  }
  for (let i = 0; i < n; i++)
    runExact(
      del,
      keyAt.map((c) => valueAt(ups.values[c]!, i)),
    );
  insertRows(statements, t, ups.columns.map(q), ups.values, n);
}

function insertRows(
  statements: ReplayStatements,
  table: string,
  columns: readonly string[],
  values: readonly ColumnValues[],
  n: number,
): void {
  if (!n) return;
  const stmt = statements.get(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  for (let i = 0; i < n; i++)
    runExact(
      stmt,
      values.map((v) => valueAt(v, i)),
    );
}
