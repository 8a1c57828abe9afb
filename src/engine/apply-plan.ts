import { sqliteDialect } from '../dialect/sqlite/sqlite-dialect';
import { ConflictError, PandalchemyError } from '../errors/pandalchemy-error';
import type { DataStep, ExecutionPlan, PlanStep } from '../plan/execution-plan';
import { existenceGuard } from '../plan/existence-guard';
import { isSchemaStep } from '../plan/execution-plan';
import type { ProgressCallback, TableEffect } from '../protocol/engine-api';
import { buildEffects } from './build-effects';
import { ChangeLog, needsChangeLog, silentlyDeleting } from './change-log';
import { checkGuards, scopeGuards, type ChangedSince } from './check-guards';
import { checkNotDropped, type DroppedSince } from './dropped-since';
import { PROGRESS_EVERY } from './each-row';
import { foreignKeyError, isForeignKeyFailure } from './foreign-key-check';
import { GuardMiss, inlineGuardSteps } from './inline-guards';
import { findTable, introspect } from './introspect';
import { checkGuardKeys, checkStepKey } from './plan-keys';
import { checkNotVirtual } from './check-not-virtual';
import { insertsInKeyOrder } from '../dialect/sqlite/sqlite-insert-order';
import { isVirtualTable } from '../schema/is-virtual-table';
import { readSequences } from './read-sequences';
import { runDataStep } from './run-data-step';
import { runSchemaSteps } from './run-schema-steps';
import type { SqlDatabase } from './sqlite';
import { throwKeyConflicts } from './key-conflicts';
import { throwSchemaConflicts } from './schema-conflicts';
import { sqliteError } from './sqlite-error';
import { TableTouch } from './table-touch';
import { validatePlan } from './validate-plan';

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
   * The rows of `table` that commits after `seq` wrote or deleted (see {@link ChangedSince}).
   * Every other row holds what it held as of `seq`, so a guard based on `seq` is only checked on
   * these rows. Absent: every guard is checked on every row.
   */
  readonly changedSince?: ChangedSince | undefined;
  /** Whether commits after the plan's basis dropped a table (see {@link checkNotDropped}). */
  readonly droppedSince?: DroppedSince | undefined;
  /** Testing: keep the change log even where the steps can report their rows (to compare). */
  readonly alwaysLog?: boolean | undefined;
  /** Testing: read every guard before writing, never check one inside a statement (to compare). */
  readonly readGuards?: boolean | undefined;
}

/**
 * Runs a plan in ONE SQLite transaction (the SQLite dialect's): guards, schema steps, data steps,
 * then reads back what the database decided, every statement as the SQLite dialect builds it. On any failure the transaction is rolled back and a typed error thrown:
 * the database is exactly as before.
 */
export function applyPlan(
  db: SqlDatabase,
  plan: ExecutionPlan,
  options: ApplyPlanOptions,
): AppliedPlan {
  validatePlan(plan);
  checkNotDropped(plan, options.droppedSince);
  checkGuardKeys(db, plan);
  // Overwrite compares no values, but the rows it updates must still be there: an UPDATE of a
  // row another writer deleted writes nothing, and the push would resolve as if it had.
  const checked: ExecutionPlan =
    options.conflict === 'overwrite' ? { ...plan, steps: plan.steps.map(overwriting) } : plan;
  const scoped: ExecutionPlan = { ...checked, steps: scopeGuards(checked, options.changedSince) };
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
      throwKeyConflicts(db, plan, e, options.changedSince);
      throwSchemaConflicts(plan, e, options.changedSince);
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
  if (options.readGuards) return;
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
  // Guards are read before anything runs, unless they may be checked inside the data steps'
  // statements: then only when the data steps start, for the steps that cannot.
  const inline = inlineGuards && !plan.steps.some(isSchemaStep);
  const [begin, ...settings] = sqliteDialect.transaction.begin;
  db.run(begin!);
  try {
    for (const sql of settings) db.run(sql);
    if (!inline) checkGuards(db, plan.steps);
    const { ddl, changed: schemaChanged, dropped, recreated } = runSchemaSteps(db, plan.steps);
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
    for (const s of dataSteps) {
      const info = touch(s.table).info;
      const index = plan.steps.indexOf(s);
      checkNotVirtual(index, s, info);
      checkStepKey(index, s, info);
    }
    // Tables whose rows may have changed where no trigger saw them: readers reload them.
    const unseen = silentlyDeleting(tables);
    if (dataSteps.length) {
      const log =
        options.alwaysLog || needsChangeLog(db, tables, new Set(dataSteps.map((s) => s.table)))
          ? new ChangeLog(db, tables)
          : null;
      // The user's triggers may write a virtual table (an FTS index kept up to date), which
      // takes no trigger of the log: told as a reload.
      if (log)
        for (const t of tables)
          if (isVirtualTable(t)) {
            touch(t.name);
            unseen.add(t.name);
          }
      const inStatement = inline && log === null ? inlineGuardSteps(dataSteps, touch) : new Set();
      // A conflict here is completed by `throwConflicts`: nothing is written yet.
      if (inline)
        checkGuards(
          db,
          dataSteps.filter((s) => !inStatement.has(s)),
        );
      try {
        for (const step of insertsInKeyOrder(dataSteps, (s) => touch(s.table).info)) {
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
    const effects = buildEffects(db, [...touches.values()], schemaChanged, unseen);
    for (const name of dropped) effects.push(dropEffect(name));
    // A table dropped and created again is told as its drop first, then as the new table: readers
    // report the edits they made on the old one rather than rebase them onto the new.
    for (const name of recreated) effects.unshift(dropEffect(name));
    const sequences = readSequences(db, touches, schemaChanged);
    try {
      db.run(sqliteDialect.transaction.commit);
    } catch (e) {
      // The transaction is still open after a deferred foreign key failed: name the rows.
      if (isForeignKeyFailure(e)) throw foreignKeyError(db, e, () => rollback(db));
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

/** The effect of a table's drop: readers forget its rows (see `TableEffect.dropped`). */
function dropEffect(table: string): TableEffect {
  return {
    table,
    reload: true,
    dropped: true,
    key: [],
    deleted: { rowids: null, keys: [] },
    upserts: { rowids: null, columns: [], values: [], priorKeys: [] },
  };
}

/** Rolls back the open transaction, if SQLite has not already done so. */
export function rollback(db: SqlDatabase): void {
  try {
    db.run(sqliteDialect.transaction.rollback);
  } catch {
    // SQLite rolls back by itself after some errors; there is nothing left to undo then.
  }
}

/** A step as `conflict: 'overwrite'` checks it: an update's rows must be there, a delete's need not. */
function overwriting(step: PlanStep): PlanStep {
  if (step.kind === 'update') return { ...step, guard: existenceGuard(step.guard) };
  if (step.kind === 'delete') return { ...step, guard: null };
  return step;
}
