/**
 * The seam between an engine and one database: everything SQL-specific (statements, parameters,
 * guard predicates, key moves, introspection, reading back what a push did, naming its failures)
 * lives behind a {@link Dialect}; the engine only runs what the dialect returns and compares
 * values. The same dialect serves previews (`planToSql`) and execution, so a preview shows exactly
 * the statements that run.
 *
 * ## How an engine uses a dialect to apply one plan
 *
 * All of it in one transaction (`dialect.transaction`); on any failure the engine rolls back and
 * throws a typed error, so the database is exactly as before.
 *
 * 1. **Introspect** each table the plan names: run `introspect(table)` and keep its answer (null:
 *    no such table). A schema step changes a table's schema: introspect it again before its next
 *    step.
 * 2. **Guards** (unless the push overwrites): for a guarded step whose guard is not checked inside
 *    its statements, run `readGuard(schema, guard)` before anything is written. A row it does not
 *    return is missing; a row whose values differ from `guard.expected` (decoded by `guard.kinds`,
 *    compared with `valuesEqual`) is a conflict. Conflicts are collected, then thrown together.
 * 3. **Schema steps**, in plan order: run every statement of `schemaStep(step, schema)`, where
 *    `schema` is the table as it is when the step runs (null for `createTable`).
 * 4. **Data steps**, in plan order: when `temporaryKeys(step, schema)` returns a query, run it
 *    first and pass its answer on (the dialect decides whether a key move needs temporaries; the
 *    plan does not say). Then, for each statement of `dataStep(step, schema, options)`, prepare
 *    it once and run it `rows` times, binding `parameters(i)` for run `i`. A run of a statement
 *    whose `expect` is `'one'` that changes no row means its inline guard did not hold: roll back
 *    and check the guards by reading (2) to name the conflicts. Rows a run returns (`returning`)
 *    identify the row it wrote.
 * 5. **Effects**: `readRows(schema, columns, keys)` reads back the rows the push wrote, as the
 *    database stored them (defaults, conversions, assigned keys), for the caller's copy.
 * 6. A statement that fails: `failureOf(error)` says what the database refused (a constraint and
 *    its name), for a typed error naming table, row and constraint.
 *
 * A dialect is plain and synchronous: it builds statements and reads answers, it never talks to a
 * database. An engine for a synchronous driver (sql.js) and one for an asynchronous driver (`pg`,
 * PGlite) drive the same dialect.
 *
 * @example
 * ```ts
 * const schema = ask(dialect.introspect('users')); // ask: runs a Query, returns read(answers)
 * for (const st of dialect.dataStep(step, schema!, { guard: null, report: false }))
 *   for (let i = 0; i < st.rows; i++) run(st.sql, st.parameters(i));
 * ```
 */
import type { DataStep, Guard, SchemaStep, ColumnValues, UpdateStep } from '../plan/execution-plan';
import type { ColumnKind } from '../values/column-kind';
import type { SqlValue } from '../values/sql-value';

/**
 * One column of a table, as every dialect describes it. SQLite's `ColumnInfo` is one (it adds
 * what only SQLite needs).
 */
export interface SchemaColumn {
  readonly name: string;
  /** The type as the database declares it ('' when none). */
  readonly declaredType: string;
  /** How the column's values are represented in JavaScript. */
  readonly kind: ColumnKind;
  readonly notNull: boolean;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly primaryKey: number;
}

/**
 * A table's schema as much as a dialect-neutral engine needs it: its columns and how its rows are
 * identified. SQLite's `TableInfo` is one (it adds rowids, indexes, triggers, foreign keys).
 */
export interface TableSchema {
  readonly name: string;
  readonly columns: readonly SchemaColumn[];
  /**
   * The key rows are addressed by: the declared primary key, or (SQLite only) the rowid, exposed
   * as a column named `columns[0]`. A dialect that has no rowid refuses tables without a key.
   */
  readonly key: {
    readonly kind: 'primary' | 'rowid';
    readonly columns: readonly string[];
    /** True when the database assigns the key of a row inserted without one. */
    readonly autoAssigned: boolean;
  };
}

/**
 * One statement, prepared once and run `rows` times: run `i` binds `parameters(i)`. Schema
 * statements and queries run once. `P` is what the driver binds (SQLite: stored values).
 */
export interface CompiledStatement<P = SqlValue> {
  /** The SQL text, placeholders in the dialect's style (`?` for SQLite, `$1` for PostgreSQL). */
  readonly sql: string;
  readonly rows: number;
  parameters(row: number): P[];
  /**
   * What a run must do: `'one'` change exactly one row (its inline guard held; no row changed
   * means a conflict), `'any'` whatever it finds (a delete of a row already gone is no failure).
   */
  readonly expect: 'one' | 'any';
  /**
   * The columns each run returns for the row it wrote (`RETURNING`), empty when none: how the
   * engine learns a key the database assigned or a row a key now names.
   */
  readonly returning: readonly string[];
}

/**
 * A statement that reads, run `runs` times (most run once: `parameters(0)`), whose answers `read`
 * turns into what the engine wants to know.
 */
export interface Query<T, P = SqlValue> {
  readonly sql: string;
  readonly runs: number;
  parameters(run: number): P[];
  /** The answer, from the rows each run returned (values as the driver returns them). */
  read(answers: readonly (readonly (readonly SqlValue[])[])[]): T;
}

/** How a data step is to be run (see {@link Dialect.dataStep}). */
export interface DataStepOptions {
  /**
   * A guard to check inside the step's statements (`WHERE key = ? AND col IS ?`): their runs then
   * expect one row. Null: none (checked before by reading, or the push overwrites).
   */
  readonly guard: Guard | null;
  /** Whether each run must return the row it wrote (see `CompiledStatement.returning`). */
  readonly report: boolean;
  /**
   * The temporary keys a key move goes through, as {@link Dialect.temporaryKeys} answered: one
   * column per key column, one value per row. Absent when it answered null.
   */
  readonly temporaryKeys?: readonly ColumnValues[];
}

/** What the database refused, read from a driver's error (see {@link Dialect.failureOf}). */
export interface DialectFailure {
  /**
   * What was refused: a constraint of a known kind, another constraint (`constraint`: the
   * database names no more than that), a value of the wrong type, or anything else.
   */
  readonly kind: 'unique' | 'notNull' | 'foreignKey' | 'check' | 'constraint' | 'type' | 'other';
  /** The constraint's name, when the database gives it. */
  readonly constraint?: string;
  /** The column concerned, when the database gives it. */
  readonly column?: string;
  /** The database's own message. */
  readonly message: string;
}

/**
 * Everything SQL-specific about one database. `Schema` is the table description the dialect
 * works from (at least a {@link TableSchema}); `P` is what its driver binds.
 */
export interface Dialect<Schema extends TableSchema = TableSchema, P = SqlValue> {
  readonly name: 'sqlite' | 'postgres';

  /** An identifier as SQL: always quoted, so that any name is one identifier and never SQL. */
  quoteIdentifier(name: string): string;

  /** A value as an SQL literal: only for previews (and where a database binds nothing, DEFAULT). */
  literal(value: P): string;

  /** The statements that open, commit and roll back the push's one transaction. */
  readonly transaction: {
    readonly begin: readonly string[];
    readonly commit: string;
    readonly rollback: string;
  };

  /** The schema of one table; null when it does not exist. */
  introspect(table: string): Query<Schema | null, P>;

  /**
   * The statements of a schema step. `schema`: the table as it is when the step runs (null for
   * `createTable`). A step the database cannot do in one statement (SQLite retypes a column by
   * rebuilding its table) yields several.
   */
  schemaStep(step: SchemaStep, schema: Schema | null): CompiledStatement<P>[];

  /**
   * When an update moves keys so that some new key is the old key of another moved row (a swap,
   * a chain) and the database checks keys row by row: the query whose answer is the free
   * temporary keys the rows move through first. Null when the step needs none. The dialect
   * decides this from the step and the schema; the plan does not carry it.
   */
  temporaryKeys(step: UpdateStep, schema: Schema): Query<readonly ColumnValues[], P> | null;

  /** The statements of a data step, with its guard inline when `options.guard` is given. */
  dataStep(step: DataStep, schema: Schema, options: DataStepOptions): CompiledStatement<P>[];

  /**
   * Reads the guarded columns of the guarded rows as they are now, by the guard's keys (named as
   * before the push). The answer holds, for each row of the guard, its values in the order of
   * `guard.columns`, or undefined where the row is not there.
   */
  readGuard(schema: Schema, guard: Guard): Query<(readonly SqlValue[] | undefined)[], P>;

  /**
   * Reads rows by key, `columns` in that order, as the database stores them: what a push wrote,
   * reported back. The answer holds, for each row of `keys`, its values, or undefined where the
   * row is not there.
   */
  readRows(
    schema: Schema,
    columns: readonly string[],
    keys: readonly ColumnValues[],
  ): Query<(readonly SqlValue[] | undefined)[], P>;

  /** What a statement's failure says the database refused; null for an error not its own. */
  failureOf(error: unknown): DialectFailure | null;
}
