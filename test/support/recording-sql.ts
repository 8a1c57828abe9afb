import type { SqlDatabase, SqlJs, SqlStatement } from '../../src/engine/sqlite';
import type { SqlValue } from '../../src/values/sql-value';

/** One run of a statement as the engine made it: its SQL and the values bound. */
export interface Run {
  readonly sql: string;
  readonly parameters: readonly SqlValue[];
}

function recordingStatement(
  text: string,
  stmt: SqlStatement,
  runs: Run[],
  on: () => boolean,
): SqlStatement {
  let bound: readonly SqlValue[] = [];
  let fresh = true;
  return new Proxy(stmt, {
    get(target, name) {
      if (name === 'bind')
        // sql.js's bind() resets the statement first: the next step is a new run.
        return (values?: readonly SqlValue[] | null) => {
          bound = values ? [...values] : [];
          fresh = true;
          return target.bind(values);
        };
      if (name === 'reset')
        return () => {
          fresh = true;
          return target.reset();
        };
      if (name === 'step')
        return () => {
          if (fresh && on()) runs.push({ sql: text, parameters: bound });
          fresh = false;
          return target.step();
        };
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * A sql.js database with every statement run recorded while `on`: `run`, and each first `step`
 * of a prepared statement after it was prepared, bound or reset, with what was bound (copied: the
 * engine reuses its arrays).
 */
export function recordingDatabase(db: SqlDatabase, runs: Run[], on: () => boolean): SqlDatabase {
  const wrapped: SqlDatabase = new Proxy(db, {
    get(target, name) {
      if (name === 'run')
        return (text: string, params?: readonly SqlValue[] | null) => {
          if (on()) runs.push({ sql: text, parameters: params ? [...params] : [] });
          target.run(text, params);
          return wrapped;
        };
      if (name === 'prepare')
        return (text: string, params?: readonly SqlValue[] | null) =>
          recordingStatement(text, target.prepare(text, params), runs, on);
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return wrapped;
}

/** sql.js whose databases record their runs (see {@link recordingDatabase}). */
export function recordingSqlJs(sql: SqlJs, runs: Run[], on: () => boolean): SqlJs {
  return {
    Database: function (data?: ArrayLike<number> | null) {
      return recordingDatabase(new sql.Database(data), runs, on);
    } as unknown as SqlJs['Database'],
  };
}

/** Statements that are the plan's own: not reads, transaction control, settings or the change log. */
export function isPlanStatement(sql: string): boolean {
  if (!/^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(sql)) return false;
  return !/__pandalchemy_(key_)?log|^\s*CREATE TEMP|DROP TRIGGER IF EXISTS temp\./i.test(sql);
}
