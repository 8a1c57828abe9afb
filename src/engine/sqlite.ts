import type { CompiledStatement, Query } from '../dialect/dialect';
import type { SqlValue } from '../values/sql-value';
import { ExactStatement } from './exact-statement';

/**
 * The parts of sql.js the engine uses, typed as sql.js 1.16 really behaves: BigInt parameters bind
 * exactly and `get(…, { useBigInt: true })` returns every integer as a BigInt (the published
 * typings predate both).
 */
export interface SqlStatement {
  bind(values?: readonly SqlValue[] | null): boolean;
  step(): boolean;
  get(params?: readonly SqlValue[] | null, config?: { useBigInt?: boolean }): SqlValue[];
  getColumnNames(): string[];
  run(values?: readonly SqlValue[] | null): void;
  reset(): boolean;
  free(): boolean;
}

export type UpdateOperation = 'insert' | 'update' | 'delete';

export interface SqlDatabase {
  run(sql: string, params?: readonly SqlValue[] | null): SqlDatabase;
  prepare(sql: string, params?: readonly SqlValue[] | null): SqlStatement;
  iterateStatements(sql: string): Iterable<SqlStatement>;
  export(): Uint8Array;
  close(): void;
  getRowsModified(): number;
  updateHook(
    callback: ((op: UpdateOperation, db: string, table: string, rowid: number) => void) | null,
  ): SqlDatabase;
}

/** What `initSqlJs()` resolves to. */
export interface SqlJs {
  Database: new (data?: ArrayLike<number> | null) => SqlDatabase;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A stored value as the library holds it: integers within 2^53 as numbers, beyond as BigInt. */
export function exactValue(v: SqlValue): SqlValue {
  if (typeof v === 'bigint' && v >= MIN_SAFE && v <= MAX_SAFE) return Number(v);
  return v;
}

const TWO_53 = 2 ** 53;

/**
 * The current row of a stepped statement, integers exact. Reading every integer as a BigInt is
 * slow, so the row is read as numbers first: an integer beyond 2^53 can only come back as a number
 * of at least 2^53 in magnitude, and only rows holding one are read again with BigInts.
 */
export function rowOf(stmt: SqlStatement): SqlValue[] {
  const row = stmt.get();
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'number' && (v >= TWO_53 || v <= -TWO_53)) return exactRow(stmt);
  }
  return row;
}

function exactRow(stmt: SqlStatement): SqlValue[] {
  const row = stmt.get(null, { useBigInt: true });
  for (let i = 0; i < row.length; i++) row[i] = exactValue(row[i]!);
  return row;
}

/** Every row of a query, integers exact (read, and bound: see `ExactStatement`). */
export function selectRows(
  db: SqlDatabase,
  sql: string,
  params: readonly SqlValue[] = [],
): SqlValue[][] {
  const exact = new ExactStatement(db, sql);
  try {
    const stmt = exact.bind(params);
    const rows: SqlValue[][] = [];
    while (stmt.step()) rows.push(rowOf(stmt));
    return rows;
  } finally {
    exact.free();
  }
}

/**
 * Runs a dialect's query (see `Query`): its statement prepared once and run `runs` times, the
 * answers read by the query.
 *
 * @example
 * ```ts
 * const info = ask(db, sqliteIntrospect('users'));
 * ```
 */
export function ask<T>(db: SqlDatabase, query: Query<T>): T {
  const answers: SqlValue[][][] = [];
  const exact = new ExactStatement(db, query.sql);
  try {
    for (let run = 0; run < query.runs; run++) {
      const stmt = exact.bind(query.parameters(run));
      const rows: SqlValue[][] = [];
      while (stmt.step()) rows.push(rowOf(stmt));
      stmt.reset();
      answers.push(rows);
    }
  } finally {
    exact.free();
  }
  return query.read(answers);
}

/**
 * Runs a dialect's statement `rows` times, prepared once, binding `parameters(i)` for run `i`;
 * for statements whose runs return nothing the engine needs (see `CompiledStatement`).
 *
 * @example
 * ```ts
 * for (const st of restoreSqliteSequences(record.sequences)) runAll(db, st);
 * ```
 */
export function runAll(db: SqlDatabase, statement: CompiledStatement<SqlValue>): void {
  const exact = new ExactStatement(db, statement.sql);
  try {
    for (let i = 0; i < statement.rows; i++) {
      const stmt = exact.bind(statement.parameters(i));
      stmt.step();
      stmt.reset();
    }
  } finally {
    exact.free();
  }
}

/** The first value of the first row, or null. */
export function selectValue(
  db: SqlDatabase,
  sql: string,
  params: readonly SqlValue[] = [],
): SqlValue {
  return selectRows(db, sql, params)[0]?.[0] ?? null;
}

/** Statements of {@link selectFixed}, per database; sql.js frees them when it closes the database. */
const fixed = new WeakMap<SqlDatabase, Map<string, SqlStatement>>();

/**
 * The first value of the first row of `sql`, a query without parameters that a database runs on
 * every push, such as a check of its schema: prepared once per database, not once per run. A
 * one-cell push spent about a third of its time in the engine preparing such queries (a page
 * profile of 25 pushes on a 1M-row table).
 */
export function selectFixed(db: SqlDatabase, sql: string): SqlValue {
  let statements = fixed.get(db);
  if (!statements) fixed.set(db, (statements = new Map()));
  let stmt = statements.get(sql);
  if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
  try {
    return stmt.step() ? (rowOf(stmt)[0] ?? null) : null;
  } finally {
    // An open statement would keep its read going, and a COMMIT from succeeding.
    stmt.reset();
  }
}

/** Runs `fn` with a prepared statement and frees it afterwards. */
export function withStatement<T>(db: SqlDatabase, sql: string, fn: (stmt: SqlStatement) => T): T {
  const stmt = db.prepare(sql);
  try {
    return fn(stmt);
  } finally {
    stmt.free();
  }
}

/** Settings that belong to the connection: set after every open, import and export. */
export function configureConnection(db: SqlDatabase, foreignKeys: boolean): void {
  // MEMORY keeps ROLLBACK working and makes batches several times faster than the default journal.
  db.run('PRAGMA journal_mode=MEMORY');
  // Temporary tables (the change log of a push) would otherwise live in a file of sql.js's
  // in-memory file system, whose writes copy the file as it grows.
  db.run('PRAGMA temp_store=MEMORY');
  db.run(`PRAGMA foreign_keys=${foreignKeys ? 'ON' : 'OFF'}`);
}
