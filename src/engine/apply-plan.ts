import { ConflictError, PandalchemyError, type ConflictDetail } from '../errors/pandalchemy-error';
import { columnDefinitionSql, compileStep } from '../plan/compile-sqlite';
import type {
  ColumnValues,
  DataStep,
  DeleteStep,
  ExecutionPlan,
  Guard,
  InsertStep,
  PlanStep,
  SchemaStep,
  UpdateStep,
} from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import { quoteIdentifier as q } from '../plan/sql-text';
import type { ProgressCallback, TableEffect } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import { decodeValue } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { SqlValue } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { affinityOf, type Affinity } from '../values/affinity';
import { buildEffects, rowidName } from './build-effects';
import { ChangeLog, needsChangeLog, silentlyDeleting } from './change-log';
import { narrowGuard, type ChangedKeys } from './changed-keys';
import { GuardMiss, guardPredicateSql, inlineGuardSteps } from './inline-guards';
import { foreignKeyError, isForeignKeyFailure } from './foreign-key-check';
import { findTable, introspect } from './introspect';
import { readColumns } from './read-table';
import { retypeColumn } from './retype-column';
import { RowSelect } from './row-select';
import { checkIndexStep, uniqueIndexError } from './index-steps';
import { RETYPE_MARK } from './redo-ddl';
import {
  exactValue,
  rowOf,
  selectValue,
  withStatement,
  type SqlDatabase,
  type SqlStatement,
} from './sqlite';
import { messageOf, sqliteError } from './sqlite-error';
import { storedColumns } from './stored-columns';
import { isRowidKeyed, TableTouch, type PatchGroup, type Rowid } from './table-touch';
import { checkGuardKeys, checkStepKey } from './plan-keys';
import { validatePlan } from './validate-plan';
import { keyMovesOf } from '../dialect/key-moves';

/** What a plan did, ready to be recorded and reported. */
export interface AppliedPlan {
  readonly ddl: string[];
  readonly effects: TableEffect[];
  readonly sequences: [string, number | bigint][] | null;
  readonly rowsWritten: number;
}

export interface ApplyPlanOptions {
  readonly conflict: 'fail' | 'overwrite';
  readonly onProgress?: ProgressCallback | undefined;
  /**
   * The rows of `table` that commits after `seq` wrote or deleted; null when that is not known
   * (the table's schema changed, or `seq` is older than the commits kept) or they are more than
   * `limit`. Every other row holds what it held as of `seq`, so a guard based on `seq` is only
   * checked on these rows. Absent: every guard is checked on every row.
   */
  readonly changedSince?:
    ((table: string, seq: number, limit: number) => ChangedKeys | null) | undefined;
  /** Testing: keep the change log even where the steps can report their rows (to compare). */
  readonly alwaysLog?: boolean | undefined;
  /** Testing: read every guard before writing, never check one inside a statement (to compare). */
  readonly readGuards?: boolean | undefined;
}

const PROGRESS_EVERY = 10_000;

/** The SQL naming a key column: the rowid keyword for the exposed rowid, else the quoted name. */
export function keyColumnSql(info: TableInfo | null, name: string): string {
  return info?.key.kind === 'rowid' && name === info.key.columns[0] ? name : q(name);
}

function keyPredicateSql(info: TableInfo | null, key: readonly string[]): string {
  return key.map((k) => `${keyColumnSql(info, k)} = ?`).join(' AND ');
}

/** The guard's conditions appended to a step's WHERE clause, when checked inside the statement. */
function guardSql(info: TableInfo, guard: Guard | null): string {
  return guard && guard.columns.length ? ` AND ${guardPredicateSql(info, guard)}` : '';
}

/** An expected value as bound (see `inlineGuardSteps`: only values that bind exactly get here). */
function expectedAt(values: Guard['expected'][number], i: number): SqlValue {
  return (values[i] ?? null) as SqlValue;
}

function rowAt(columns: readonly ColumnValues[], i: number): SqlValue[] {
  const out = new Array<SqlValue>(columns.length);
  for (let c = 0; c < columns.length; c++) out[c] = columns[c]![i] ?? null;
  return out;
}

/**
 * Runs a plan in ONE SQLite transaction: guards, schema steps, data steps, then reads back what
 * the database decided. On any failure the transaction is rolled back and a typed error thrown:
 * the database is exactly as before.
 */
export function applyPlan(
  db: SqlDatabase,
  plan: ExecutionPlan,
  options: ApplyPlanOptions,
): AppliedPlan {
  validatePlan(plan);
  checkGuardKeys(db, plan);
  const scoped: ExecutionPlan = { ...plan, steps: scopeGuards(plan, options.changedSince) };
  // Progress never goes back, should the push run a second time.
  const report = options.onProgress;
  let shown = -1;
  const once: ApplyPlanOptions = {
    ...options,
    onProgress:
      report &&
      ((p) => {
        if (p.done <= shown) return;
        shown = p.done;
        report(p);
      }),
  };
  try {
    return applyOnce(db, scoped, once, !options.readGuards);
  } catch (e) {
    if (!(e instanceof GuardMiss)) {
      throwConflicts(db, scoped, options);
      throw e;
    }
  }
  // A guard checked inside a statement did not hold, and the push was rolled back. Running it
  // again with every guard read first names the conflicts, or finds none (SQL compares more
  // strictly than the read, say 1 and 1.0 in a column of any type) and then writes.
  return applyOnce(db, scoped, once, false);
}

/**
 * After a push failed otherwise, and was rolled back: throws every conflict its guards find, if
 * any. Guards checked inside statements only run as far as the failure, and those read first may
 * have been only some of them; read first, all of them would have refused the push before it
 * wrote anything, and the conflicts are what to report.
 */
function throwConflicts(db: SqlDatabase, plan: ExecutionPlan, options: ApplyPlanOptions): void {
  if (options.conflict === 'overwrite' || options.readGuards) return;
  try {
    checkGuards(db, plan.steps);
  } catch (e) {
    if (e instanceof ConflictError) throw e;
    // A read that fails too says nothing about conflicts: the first failure is reported.
  }
}

function applyOnce(
  db: SqlDatabase,
  plan: ExecutionPlan,
  options: ApplyPlanOptions,
  inlineGuards: boolean,
): AppliedPlan {
  const guarded = options.conflict !== 'overwrite';
  // Guards are read before anything runs, unless they may be checked inside the data steps'
  // statements: then only when the data steps start, for the steps that cannot.
  const inline = guarded && inlineGuards && !plan.steps.some(isSchemaStep);
  db.run('BEGIN');
  try {
    // Cross-table and cross-step references only have to hold when the push is complete.
    db.run('PRAGMA defer_foreign_keys=ON');
    if (guarded && !inline) checkGuards(db, plan.steps);
    const ddl: string[] = [];
    const schemaChanged = new Set<string>();
    const dropped = new Set<string>();
    const placeholders = placeholderTables(db, plan.steps);
    for (const table of placeholders)
      runDdlStep(db, ddl, `ALTER TABLE ${q(table)} ADD COLUMN ${PLACEHOLDER}`);
    for (const step of plan.steps) {
      if (!isSchemaStep(step)) continue;
      runSchemaStep(db, step, ddl);
      schemaChanged.add(step.table);
      if (step.kind === 'dropTable') dropped.add(step.table);
      else dropped.delete(step.table);
    }
    for (const table of placeholders)
      runDdlStep(db, ddl, `ALTER TABLE ${q(table)} DROP COLUMN ${PLACEHOLDER}`);
    const dataSteps = plan.steps.filter((s): s is DataStep => !isSchemaStep(s));
    // The schema as the data steps find it, read once: for the change log and each table touched.
    const tables = dataSteps.length ? introspect(db) : [];
    const byName = new Map(tables.map((t) => [t.name, t]));
    const touches = new Map<string, TableTouch>();
    const touch = (name: string): TableTouch => {
      let t = touches.get(name);
      if (!t) {
        const info = byName.get(name) ?? findTable(db, name);
        if (!info) {
          throw new PandalchemyError(
            'unknown_table',
            `Table ${JSON.stringify(name)} does not exist, so the push cannot write to it: check the plan's table names (db.tableNames() lists them), or create it first.`,
            { table: name },
          );
        }
        t = new TableTouch(info);
        touches.set(name, t);
      }
      return t;
    };
    const total = dataSteps.reduce((n, s) => n + s.count, 0);
    let done = 0;
    const progress = (n: number): void => {
      const before = Math.floor(done / PROGRESS_EVERY);
      done += n;
      if (Math.floor(done / PROGRESS_EVERY) !== before || done === total)
        options.onProgress?.({ phase: 'push', done, total });
    };
    for (const s of dataSteps) checkStepKey(plan.steps.indexOf(s), s, touch(s.table).info);
    if (dataSteps.length) {
      const log =
        options.alwaysLog || needsChangeLog(db, tables, new Set(dataSteps.map((s) => s.table)))
          ? new ChangeLog(db, tables)
          : null;
      const inStatement = inline && log === null ? inlineGuardSteps(dataSteps, touch) : new Set();
      // A conflict here is completed by `throwConflicts`: nothing is written yet.
      if (inline)
        checkGuards(
          db,
          dataSteps.filter((s) => !inStatement.has(s)),
        );
      try {
        for (const step of dataSteps) {
          const guard = inStatement.has(step) && step.kind !== 'insert' ? step.guard : null;
          runDataStep(db, step, touch(step.table), progress, log !== null, guard);
        }
      } catch (e) {
        log?.dispose();
        throw e;
      }
      const events = log?.finish();
      for (const event of events?.rows ?? []) {
        const t = touch(event.table);
        if (event.op === 0) t.inserted(event.new!);
        else if (event.op === 1) t.updated(event.old!, event.new!);
        else t.removed(event.old!);
      }
      for (const event of events?.keys ?? []) {
        const t = touch(event.table);
        if (event.op === 2) t.deleteKey(event.old!);
        else t.writeKey(event.old ?? event.new!, event.new!);
      }
    }
    for (const name of schemaChanged) if (!touches.has(name) && !dropped.has(name)) touch(name);
    const effects = buildEffects(
      db,
      [...touches.values()],
      schemaChanged,
      silentlyDeleting(tables),
    );
    for (const name of dropped) {
      effects.push({
        table: name,
        reload: true,
        dropped: true,
        key: [],
        deleted: { rowids: null, keys: [] },
        upserts: { rowids: null, columns: [], values: [], priorKeys: [] },
      });
    }
    const sequences = readSequences(db, touches, schemaChanged);
    try {
      db.run('COMMIT');
    } catch (e) {
      // The transaction is still open after a deferred foreign key failed: name the rows.
      if (isForeignKeyFailure(e)) throw foreignKeyError(db, e);
      throw sqliteError(e, { what: 'the push when it committed' });
    }
    return { ddl, effects, sequences, rowsWritten: total };
  } catch (e) {
    rollback(db);
    throw e instanceof PandalchemyError || e instanceof GuardMiss
      ? e
      : sqliteError(e, { what: 'the push' });
  }
}

/** Rolls back the open transaction, if SQLite has not already done so. */
export function rollback(db: SqlDatabase): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // SQLite rolls back by itself after some errors; there is nothing left to undo then.
  }
}

function readSequences(
  db: SqlDatabase,
  touches: Map<string, TableTouch>,
  schemaChanged: Set<string>,
): [string, number | bigint][] | null {
  const involved =
    [...touches.values()].some((t) => t.info.autoIncrement) || schemaChanged.size > 0;
  if (!involved) return null;
  const exists = selectValue(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'");
  if (exists === null) return null;
  const stmt = db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name');
  try {
    const out: [string, number | bigint][] = [];
    while (stmt.step()) {
      const [name, seq] = rowOf(stmt);
      out.push([String(name), typeof seq === 'bigint' ? seq : Number(seq)]);
    }
    return out;
  } finally {
    stmt.free();
  }
}

// ---- guards -------------------------------------------------------------------------------------

/**
 * The plan's steps, each guard cut down to the rows that commits since the plan's basis may have
 * changed (none: no guard at all); every other row holds what the edits were based on. Tables
 * whose schema the plan changes keep their guards whole: guards are checked before schema steps
 * run, under the names the steps use.
 */
function scopeGuards(
  plan: ExecutionPlan,
  changedSince: ApplyPlanOptions['changedSince'],
): readonly PlanStep[] {
  if (!plan.basis || !changedSince) return plan.steps;
  const reshaped = new Set(plan.steps.filter(isSchemaStep).map((s) => s.table));
  // Guarded rows per table: gathering the keys commits wrote costs far less per row than checking
  // a guard (a Set entry against binding or reading values), but past several times as many rows
  // as the guards have, checking them all is cheaper.
  const guarded = new Map<string, number>();
  for (const step of plan.steps) {
    const guard = guardOf(step);
    if (guard)
      guarded.set(step.table, (guarded.get(step.table) ?? 0) + (guard.keys[0]?.length ?? 0));
  }
  const changed = new Map<string, ChangedKeys>();
  for (const b of plan.basis) {
    const rows = guarded.get(b.table);
    if (rows === undefined || reshaped.has(b.table)) continue;
    const keys = changedSince(b.table, b.seq, rows * 8 + 1024);
    if (keys) changed.set(b.table, keys);
  }
  if (!changed.size) return plan.steps;
  return plan.steps.map((step) => {
    const whole = guardOf(step);
    const keys = changed.get(step.table);
    if (!whole || !keys) return step;
    const guard = narrowGuard(whole, keys);
    return guard === whole ? step : { ...step, guard };
  });
}

/** The guard of an update or delete step, if it has one. */
function guardOf(step: PlanStep): Guard | null {
  return step.kind === 'update' || step.kind === 'delete' ? step.guard : null;
}

/**
 * Refuses the push when a row it updates or deletes no longer holds, in the columns it touches,
 * the values its edits were based on. Every conflict is collected, so the error names them all.
 */
function checkGuards(db: SqlDatabase, steps: readonly PlanStep[]): void {
  const conflicts: ConflictDetail[] = [];
  for (const step of steps) {
    const guard = guardOf(step);
    if (guard) checkGuard(db, step.table, guard, conflicts);
  }
  if (conflicts.length) throw new ConflictError(conflicts);
}

function checkGuard(db: SqlDatabase, table: string, g: Guard, out: ConflictDetail[]): void {
  const info = findTable(db, table);
  const n = g.keys[0]?.length ?? 0;
  if (!info) {
    for (let i = 0; i < n; i++)
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: true });
    return;
  }
  let rows: (SqlValue[] | undefined)[];
  try {
    rows = readGuarded(db, info, g, n);
  } catch (e) {
    // A guarded column that no longer exists: another writer changed the schema.
    for (let i = 0; i < n; i++)
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: false });
    void messageOf(e);
    return;
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!row) {
      out.push({ table, key: rowAt(g.keys, i), columns: [...g.columns], missing: true });
      continue;
    }
    const differing: string[] = [];
    for (let c = 0; c < g.columns.length; c++) {
      const now = decodeValue(g.kinds[c]!, row[c] ?? null);
      if (!valuesEqual(now, g.expected[c]![i] ?? null)) differing.push(g.columns[c]!);
    }
    if (differing.length)
      out.push({ table, key: rowAt(g.keys, i), columns: differing, missing: false });
  }
}

/** The guarded columns of each guarded row as it is now; undefined where the row is gone. */
function readGuarded(
  db: SqlDatabase,
  info: TableInfo,
  g: Guard,
  n: number,
): (SqlValue[] | undefined)[] {
  const rows = new Array<SqlValue[] | undefined>(n);
  // With no guarded column, a row's presence is all there is to check.
  const exprs = (table: string): string[] =>
    g.columns.length ? g.columns.map((c) => `${table}${keyColumnSql(info, c)}`) : ['1'];
  const kinds: ColumnKind[] = g.columns.length ? [...g.kinds] : ['integer'];
  const t = q(info.name);
  const json = jsonKeys(g.keys, n);
  if (json !== null) {
    // One statement for all rows: the keys go in as one JSON array and each row comes back with
    // its index. A value from json_each compares like a bound parameter. Every column of the table
    // is qualified: json_each has columns of its own (id, key, value, ...).
    const on = g.key.map((k, j) =>
      g.key.length === 1
        ? `g.${keyColumnSql(info, k)} = j.value`
        : `g.${keyColumnSql(info, k)} = j.value ->> ${j}`,
    );
    const select = new RowSelect(db, ['j.key', ...exprs('g.')], ['integer', ...kinds]);
    withStatement(
      db,
      `SELECT ${select.sql} FROM json_each(?) AS j CROSS JOIN ${t} AS g ON ${on.join(' AND ')}`,
      (stmt) => {
        stmt.bind([json]);
        while (stmt.step()) {
          const row = select.read(stmt);
          rows[Number(row[0])] = row.slice(1);
        }
      },
    );
    return rows;
  }
  const select = new RowSelect(db, exprs(''), kinds);
  withStatement(
    db,
    `SELECT ${select.sql} FROM ${t} WHERE ${keyPredicateSql(info, g.key)}`,
    (stmt) => {
      for (let i = 0; i < n; i++) {
        stmt.bind(rowAt(g.keys, i));
        if (stmt.step()) rows[i] = select.read(stmt);
        stmt.reset();
      }
    },
  );
  return rows;
}

/**
 * Keys as one JSON array (of arrays for a composite key), or null when a value would not cross
 * JSON exactly: only integers and text without NUL do (a double's text form, bytes and NUL do not).
 */
function jsonKeys(keys: readonly ColumnValues[], n: number): string | null {
  const parts = new Array<string>(n);
  const one = keys.length === 1;
  const cell = new Array<string>(keys.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < keys.length; k++) {
      const v = keys[k]![i];
      if (typeof v === 'number' && Number.isSafeInteger(v)) cell[k] = String(v);
      else if (typeof v === 'bigint') cell[k] = String(v);
      else if (typeof v === 'string' && !v.includes('\0')) cell[k] = JSON.stringify(v);
      else return null;
    }
    parts[i] = one ? cell[0]! : `[${cell.join(',')}]`;
  }
  return `[${parts.join(',')}]`;
}

// ---- schema steps -------------------------------------------------------------------------------

const PLACEHOLDER = q('__pandalchemy_placeholder');

/**
 * Tables whose every column the plan drops (it adds the new ones after, as drops run first):
 * SQLite refuses to drop a table's last column, so they hold a placeholder column meanwhile.
 */
function placeholderTables(db: SqlDatabase, steps: readonly PlanStep[]): string[] {
  const drops = new Map<string, number>();
  for (const s of steps)
    if (s.kind === 'dropColumn') drops.set(s.table, (drops.get(s.table) ?? 0) + 1);
  const out: string[] = [];
  for (const [table, n] of drops) {
    const info = findTable(db, table);
    if (info && info.columns.length <= n) out.push(table);
  }
  return out;
}

function runDdlStep(db: SqlDatabase, ddl: string[], sql: string): void {
  db.run(sql);
  ddl.push(sql);
}

function runSchemaStep(db: SqlDatabase, step: SchemaStep, ddl: string[]): void {
  try {
    if (step.kind === 'retypeColumn') {
      retypeColumn(db, step.table, step.column, step.declaredType);
      ddl.push(RETYPE_MARK + JSON.stringify([step.table, step.column, step.declaredType]));
      return;
    }
    if (step.kind === 'addColumn') {
      // Checked here too: plans may come from application code.
      columnDefinitionSql(step.column);
    }
    if (step.kind === 'createIndex' || step.kind === 'dropIndex') checkIndexStep(db, step);
    for (const st of compileStep(step)) {
      db.run(st.sql);
      ddl.push(st.sql);
    }
  } catch (e) {
    if (step.kind === 'createIndex') {
      const unique = uniqueIndexError(db, step, e);
      if (unique) throw unique;
    }
    const column =
      step.kind === 'renameColumn'
        ? step.from
        : 'column' in step && typeof step.column === 'string'
          ? step.column
          : undefined;
    throw sqliteError(e, {
      what: `the ${step.kind} step`,
      table: step.table,
      step: step.kind,
      ...(column !== undefined ? { column } : {}),
    });
  }
}

// ---- data steps ---------------------------------------------------------------------------------

/**
 * Runs one data step. `logged`: the change log reports the rows written (and rowids moved);
 * otherwise the step reports them to `touch` itself (see `needsChangeLog`: then every written
 * rowid table is keyed by its rowid, and nothing but the step's own statements changes rows).
 * `guard`: checked inside the step's statement (see `inlineGuardSteps`); a row it does not find
 * throws {@link GuardMiss}.
 */
function runDataStep(
  db: SqlDatabase,
  step: DataStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null,
): void {
  switch (step.kind) {
    case 'delete':
      return runDelete(db, step, touch, progress, logged, guard);
    case 'update':
      return runUpdate(db, step, touch, progress, logged, guard);
    case 'insert':
      return runInsert(db, step, touch, progress, logged);
  }
}

/** A rowid as the change log would report it, from a key value of a rowid-keyed table. */
function rowidOf(key: SqlValue): Rowid {
  return exactValue(key) as Rowid;
}

/** Whether a value is a rowid as it is (an integer), so an insert need not ask for it back. */
function isRowid(v: SqlValue | undefined): boolean {
  return (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint';
}

/** Runs `fn` for each row, turning an SQLite failure into a typed error naming the row. */
function eachRow(
  db: SqlDatabase,
  sql: string,
  step: DataStep,
  keyOf: (i: number) => SqlValue[] | undefined,
  progress: (n: number) => void,
  fn: (stmt: SqlStatement, i: number) => void,
): void {
  let stmt: SqlStatement;
  try {
    stmt = db.prepare(sql);
  } catch (e) {
    throw sqliteError(e, { what: `the ${step.kind} step`, table: step.table, step: step.kind });
  }
  let i = 0;
  try {
    for (; i < step.count; i++) {
      fn(stmt, i);
      stmt.reset();
      if ((i + 1) % PROGRESS_EVERY === 0) progress(PROGRESS_EVERY);
    }
    progress(step.count % PROGRESS_EVERY);
  } catch (e) {
    if (e instanceof GuardMiss) throw e;
    const key = keyOf(i);
    throw sqliteError(e, {
      what: `the ${step.kind} of a row`,
      table: step.table,
      step: step.kind,
      ...(key ? { key } : {}),
    });
  } finally {
    stmt.free();
  }
}

/** Steps a statement with RETURNING rowid to its end; the rowid of its row, or null. */
function stepReturning(stmt: SqlStatement): Rowid | null {
  let rowid: Rowid | null = null;
  while (stmt.step()) rowid = exactValue(rowOf(stmt)[0]!) as Rowid;
  return rowid;
}

function runDelete(
  db: SqlDatabase,
  step: DeleteStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null,
): void {
  const info = touch.info;
  // When the rowid is not the key, RETURNING tells which rowid the deleted key had.
  const returning = !info.withoutRowid && !touch.rowidKeyed;
  const where = keyPredicateSql(info, step.key) + guardSql(info, guard);
  const sql = `DELETE FROM ${q(step.table)} WHERE ${where}${returning ? ` RETURNING ${rowidName(info)}` : ''}`;
  // Unlogged, a row of a rowid-keyed table is reported after the step, all rows at once.
  const byKey = !logged && !returning && !info.withoutRowid;
  let missed: number[] | null = null;
  const expected = guard ? guard.expected : [];
  const k0 = step.keys.length;
  // One parameter array for every row (sql.js copies the values in as it binds them).
  const params = new Array<SqlValue>(k0 + expected.length);
  eachRow(
    db,
    sql,
    step,
    (i) => rowAt(step.keys, i),
    progress,
    (stmt, i) => {
      for (let k = 0; k < k0; k++) params[k] = step.keys[k]![i] ?? null;
      for (let c = 0; c < expected.length; c++) params[k0 + c] = expectedAt(expected[c]!, i);
      stmt.bind(params);
      if (guard) {
        stmt.step();
        if (db.getRowsModified() === 0) throw new GuardMiss();
        return;
      }
      if (returning) {
        const rowid = stepReturning(stmt);
        if (rowid === null) return;
        touch.planKey(rowid, rowAt(step.keys, i));
        // Unlogged, RETURNING is what tells the row went: the key it had is the plan's.
        if (!logged) touch.removed(rowid);
      } else {
        stmt.step();
        if (info.withoutRowid) {
          if (!logged && db.getRowsModified() > 0) touch.deleteKey(rowAt(step.keys, i));
        } else if (byKey && db.getRowsModified() === 0) (missed ??= []).push(i);
      }
    },
  );
  if (byKey) touch.removedRows(deletedRowids(step.keys[0]!, step.count, missed));
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
  if (!missed && keys instanceof Float64Array && keys.length === count) return keys;
  const out: Rowid[] = [];
  for (let i = 0, m = 0; i < count; i++) {
    if (missed && missed[m] === i) m++;
    else out.push(rowidOf(keys[i] ?? null));
  }
  return out;
}

function runUpdate(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
  guard: Guard | null = null,
): void {
  const info = touch.info;
  const keyMoves = keyMovesOf(step);
  const moves = keyMoves !== 'none';
  let keys = step.keys;
  if (keyMoves === 'viaTemporary') keys = moveToTemporaryKeys(db, step, touch, logged);
  // Where the rowid is not the key, RETURNING tells which row the key addressed: the change log
  // sees rowids, and an unlogged push reports the row itself.
  const returning = (moves || !logged) && !info.withoutRowid && !touch.rowidKeyed;
  const set = step.set.map((c) => `${keyColumnSql(info, c)} = ?`).join(', ');
  const where = keyPredicateSql(info, step.key) + guardSql(info, guard);
  const sql = `UPDATE ${q(step.table)} SET ${set} WHERE ${where}${returning ? ` RETURNING ${rowidName(info)}` : ''}`;
  const keyIndex = step.key.map((k) => step.set.indexOf(k));
  const patch = !logged && !moves ? patchOf(touch, step) : null;
  const expected = guard ? guard.expected : [];
  const s = step.values.length;
  const e0 = s + keys.length;
  // One parameter array for every row (sql.js copies the values in as it binds them).
  const params = new Array<SqlValue>(e0 + expected.length);
  eachRow(
    db,
    sql,
    step,
    (i) => rowAt(step.keys, i),
    progress,
    (stmt, i) => {
      for (let c = 0; c < s; c++) params[c] = step.values[c]![i] ?? null;
      for (let k = 0; k < keys.length; k++) params[s + k] = keys[k]![i] ?? null;
      for (let c = 0; c < expected.length; c++) params[e0 + c] = expectedAt(expected[c]!, i);
      stmt.bind(params);
      if (returning) {
        const rowid = stepReturning(stmt);
        if (rowid === null) return;
        if (moves) touch.planKey(rowid, rowAt(keys, i));
        // The row keeps its rowid whatever its key becomes; it is read back.
        if (!logged) touch.updated(rowid, rowid);
      } else {
        stmt.step();
        if (info.withoutRowid) {
          if (!logged && db.getRowsModified() > 0) {
            const before = rowAt(keys, i);
            const after = keyIndex.map((j, k) => (j >= 0 ? params[j]! : before[k]!));
            touch.writeKey(before, after);
          }
        } else if (guard && db.getRowsModified() === 0) {
          throw new GuardMiss();
        } else if (!logged && db.getRowsModified() > 0) {
          const from = rowidOf(params[s]!);
          if (patch?.(from, i)) return;
          const j = keyIndex[0]!;
          touch.updated(from, j >= 0 ? rowidOf(params[j]!) : from);
        }
      }
    },
  );
}

/** Each column's affinity, by name (what decides how SQLite stores a value written to it). */
function columnAffinities(info: TableInfo): Map<string, Affinity> {
  return new Map(info.columns.map((c) => [c.name, affinityOf(c.declaredType)]));
}

/**
 * Records an updated row as a patch (its set columns only) rather than as written, so that it is
 * not read back, where that is exact: the step leaves the table's key alone, the push has not
 * written the row in full before, and each value is stored as given (see `storedColumns`).
 * Returns whether it did. Only for unlogged pushes of rowid-keyed tables: nothing but the
 * statement itself changes the row then. Null for a step none of whose rows can be patches.
 */
function patchOf(
  touch: TableTouch,
  step: UpdateStep,
): ((rowid: Rowid, i: number) => boolean) | null {
  const info = touch.info;
  if (info.withoutRowid || !touch.rowidKeyed) return null;
  if (step.set.some((c) => info.key.columns.includes(c))) return null;
  const affinities = columnAffinities(info);
  if (step.set.some((c) => !affinities.has(c))) return null;
  const stored = storedColumns(
    step.values,
    step.set.map((c) => affinities.get(c)!),
    step.count,
  );
  if (!stored) return null;
  const { exact } = stored;
  let group: PatchGroup | null = null;
  return (rowid, i) => {
    if ((exact && !exact[i]) || !isRowid(rowid) || !touch.patchable(rowid)) return false;
    if (!group) {
      group = {
        columns: step.set,
        values: stored.values,
        count: step.count,
        rows: [],
        rowids: [],
        stamp: touch.stamp,
      };
      touch.patches.push(group);
    }
    group.rows.push(i);
    group.rowids.push(rowid);
    return true;
  };
}

/**
 * Moves the rows of a step whose new keys are other moved rows' old keys (a swap, a chain) to
 * temporary keys first, so that no statement ever makes two rows share a key. Returns the keys the
 * rows have afterwards.
 */
function moveToTemporaryKeys(
  db: SqlDatabase,
  step: UpdateStep,
  touch: TableTouch,
  logged: boolean,
): ColumnValues[] {
  const rid = rowidName(touch.info);
  // The key column the rows move through: one the step sets, so that it sets it again after.
  const through = step.key.findIndex((k) => step.set.includes(k));
  const first = step.key[through]!;
  const n = step.count;
  const temps: SqlValue[] = new Array<SqlValue>(n);
  if (touch.rowidKeyed) {
    // Integer keys past the largest rowid are free; below the smallest when the top is taken.
    const max = selectValue(db, `SELECT max(${rid}) FROM ${q(step.table)}`);
    const top = typeof max === 'bigint' ? max : BigInt(Math.trunc(Number(max ?? 0)));
    const room = 9223372036854775807n - top > BigInt(n);
    const min = selectValue(db, `SELECT min(${rid}) FROM ${q(step.table)}`);
    const bottom = typeof min === 'bigint' ? min : BigInt(Math.trunc(Number(min ?? 0)));
    for (let i = 0; i < n; i++)
      temps[i] = exactValue(room ? top + 1n + BigInt(i) : bottom - 1n - BigInt(i));
  } else {
    // A BLOB never equals a stored key of another type, and keeps its type under any affinity.
    const salt = crypto.getRandomValues(new Uint8Array(12));
    for (let i = 0; i < n; i++) {
      const b = new Uint8Array(16);
      b.set(salt);
      new DataView(b.buffer).setUint32(12, i);
      temps[i] = b;
    }
  }
  const temporary: UpdateStep = {
    ...step,
    set: [first],
    types: [step.keyTypes[through]!],
    values: [temps],
  };
  runUpdate(db, temporary, touch, () => undefined, logged);
  return step.keys.map((k, i) => (i === through ? temps : k));
}

function runInsert(
  db: SqlDatabase,
  step: InsertStep,
  touch: TableTouch,
  progress: (n: number) => void,
  logged: boolean,
): void {
  const info = touch.info;
  const t = q(step.table);
  const keyIndex = info.key.columns.map((k) => step.columns.indexOf(k));
  // Unlogged, a rowid-keyed row's rowid is its key; where the step leaves the key to SQLite, or the
  // key is not the rowid, RETURNING says it.
  const rowids = !logged && !info.withoutRowid;
  const given = rowids && keyIndex[0]! >= 0 ? step.values[keyIndex[0]!]! : null;
  let returning = false;
  if (rowids) {
    // A key is the row's rowid only in a rowid-keyed table; elsewhere SQLite assigns the rowid.
    returning = given === null || !touch.rowidKeyed;
    for (let i = 0; !returning && i < step.count; i++) returning = !isRowid(given![i]);
  }
  const sql =
    (step.columns.length
      ? `INSERT INTO ${t} (${step.columns.map((c) => keyColumnSql(info, c)).join(', ')}) VALUES (${step.columns.map(() => '?').join(', ')})`
      : `INSERT INTO ${t} DEFAULT VALUES`) + (returning ? ` RETURNING ${rowidName(info)}` : '');
  const keyOf = (i: number): SqlValue[] | undefined =>
    keyIndex.every((j) => j >= 0) ? keyIndex.map((j) => step.values[j]![i] ?? null) : undefined;
  const images = rowids ? knownImages(info, step) : null;
  // Rows whose image is known (RETURNING): their rowid, and a 1 in `known`.
  const stepRowids: Rowid[] = images && returning ? new Array<Rowid>(step.count) : [];
  const known = images && returning ? new Uint8Array(step.count) : null;
  // One parameter array for every row (sql.js copies the values in as it binds them).
  const params = new Array<SqlValue>(step.values.length);
  eachRow(db, sql, step, keyOf, progress, (stmt, i) => {
    if (step.columns.length) {
      for (let c = 0; c < params.length; c++) params[c] = step.values[c]![i] ?? null;
      stmt.bind(params);
    }
    if (!returning) {
      stmt.step();
      if (info.withoutRowid && !logged) {
        const key = keyOf(i)!;
        touch.writeKey(key, key);
      }
      return;
    }
    const rowid = stepReturning(stmt);
    if (rowid === null) return;
    if (images && (!images.exact || images.exact[i])) {
      stepRowids[i] = rowid;
      known![i] = 1;
    } else {
      touch.inserted(rowid);
    }
  });
  if (!rowids) return;
  if (!returning) {
    // Every row went in (an insert that fails throws) under the rowid the step gave it.
    const all = given instanceof Float64Array ? given : Array.from(given!, (v) => rowidOf(v));
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
