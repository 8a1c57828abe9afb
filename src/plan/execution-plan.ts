import type { ColumnKind } from '../values/column-kind';
import type { CellValue, SqlValue } from '../values/sql-value';

/**
 * The plan format version this library writes and runs. Version 2: data steps carry their
 * columns' declared types, and an update no longer says how its key moves are carried out.
 */
export const PLAN_VERSION = 2;

/**
 * The values of one column of a batch, one per row, in stored form (see `encodeValue`).
 * A Float64Array when every value is a finite number: smaller, and transferred without copying.
 */
export type ColumnValues = readonly SqlValue[] | Float64Array;

/** A default value for a new column: a value, or one of SQLite's current-time keywords. */
export type ColumnDefault =
  | { readonly value: SqlValue }
  | { readonly keyword: 'CURRENT_TIMESTAMP' | 'CURRENT_DATE' | 'CURRENT_TIME' };

/** A column to create. */
export interface ColumnDefinition {
  readonly name: string;
  readonly declaredType: string;
  readonly notNull: boolean;
  readonly default: ColumnDefault | null;
}

/**
 * What a push verifies before it writes anything: the rows it updates or deletes still hold, in the
 * columns it touches, the values the edits were based on. Names are those before the push.
 */
export interface Guard {
  /** Key columns, named as before the push. */
  readonly key: readonly string[];
  /**
   * Key values before the push, per key column (stored form), one per row of the step. They differ
   * from the step's `keys` when an earlier step of the same push changed the rows' keys.
   */
  readonly keys: readonly ColumnValues[];
  readonly columns: readonly string[];
  readonly kinds: readonly ColumnKind[];
  /**
   * Expected values per column, per row, decoded (compared with `valuesEqual`): a Float64Array for
   * a column of numbers.
   */
  readonly expected: readonly (readonly CellValue[] | Float64Array)[];
}

interface StepBase {
  /** The table as named when the step runs. */
  readonly table: string;
}

/** What happens to referencing rows when the row they reference is deleted or changes key. */
export const FOREIGN_KEY_ACTIONS = [
  'NO ACTION',
  'RESTRICT',
  'SET NULL',
  'SET DEFAULT',
  'CASCADE',
] as const;
export type ForeignKeyAction = (typeof FOREIGN_KEY_ACTIONS)[number];

/** A foreign key a new table declares. */
export interface ForeignKeyDefinition {
  /** The table's own columns that reference another table. */
  readonly columns: readonly string[];
  /** The table referenced. */
  readonly references: string;
  /** The columns referenced, one per column; empty means the referenced table's primary key. */
  readonly to: readonly string[];
  readonly onDelete: ForeignKeyAction;
  readonly onUpdate: ForeignKeyAction;
}

/**
 * A CHECK constraint a new table declares. The expression is SQL text written by the app's
 * developer (never data): one expression, checked by `checkExpression` and by SQLite itself when
 * the table is created.
 */
export interface CheckDefinition {
  /** The column it is declared on, or null for a table-level CHECK. */
  readonly column: string | null;
  readonly expression: string;
}

/** Creates a table. Its rows, if any, follow as an insert step. */
export interface CreateTableStep extends StepBase {
  readonly kind: 'createTable';
  readonly columns: readonly ColumnDefinition[];
  /** Primary key columns; empty for a rowid table. */
  readonly primaryKey: readonly string[];
  readonly autoIncrement: boolean;
  /** UNIQUE constraints, each over one or several columns. */
  readonly unique?: readonly (readonly string[])[];
  readonly checks?: readonly CheckDefinition[];
  readonly foreignKeys?: readonly ForeignKeyDefinition[];
}

/** Creates an index on a table. */
export interface CreateIndexStep extends StepBase {
  readonly kind: 'createIndex';
  /** The index's name: unique among the database's tables and indexes. */
  readonly index: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/** Drops an index of a table (one made by CREATE INDEX, not by a constraint). */
export interface DropIndexStep extends StepBase {
  readonly kind: 'dropIndex';
  readonly index: string;
}

/** Drops a table and everything attached to it. */
export interface DropTableStep extends StepBase {
  readonly kind: 'dropTable';
}

/** Renames a column (ALTER TABLE RENAME COLUMN: indexes, triggers and views follow). */
export interface RenameColumnStep extends StepBase {
  readonly kind: 'renameColumn';
  readonly from: string;
  readonly to: string;
}

/** Drops a column. */
export interface DropColumnStep extends StepBase {
  readonly kind: 'dropColumn';
  readonly column: string;
}

/** Adds a column; existing rows get its default. */
export interface AddColumnStep extends StepBase {
  readonly kind: 'addColumn';
  readonly column: ColumnDefinition;
}

/**
 * Changes a column's declared type by rebuilding the table, keeping everything else. Values
 * convert as SQLite converts them (affinity rules).
 */
export interface RetypeColumnStep extends StepBase {
  readonly kind: 'retypeColumn';
  readonly column: string;
  readonly declaredType: string;
  /**
   * The stored cells the conversion alters, for previews (the engine converts whatever the table
   * holds and does not read this). Absent when none is known to.
   */
  readonly changes?: RetypeChanges;
}

/**
 * Cells whose value a type change alters: they do not convert back to what they were ('01067'
 * made INTEGER is 1067). One entry per row, values in stored form.
 */
export interface RetypeChanges {
  /** Key column names when the step runs. */
  readonly key: readonly string[];
  /** Key values per key column. */
  readonly keys: readonly ColumnValues[];
  /** Each cell's value before the change, and after it. */
  readonly before: ColumnValues;
  readonly after: ColumnValues;
}

/** Deletes rows by key. */
export interface DeleteStep extends StepBase {
  readonly kind: 'delete';
  /** Key column names when the step runs. */
  readonly key: readonly string[];
  /** The key columns' declared types ('' for none), as the table has them when the step runs. */
  readonly keyTypes: readonly string[];
  /** Key values per key column (stored form). */
  readonly keys: readonly ColumnValues[];
  readonly count: number;
  readonly guard: Guard | null;
}

/**
 * Updates rows by key, setting only `set` columns. When `set` includes key columns the rows change
 * keys; how a database moves them (a swap or a chain goes through temporary keys in SQLite) is
 * its dialect's business, not the plan's.
 */
export interface UpdateStep extends StepBase {
  readonly kind: 'update';
  readonly key: readonly string[];
  /** The key columns' declared types ('' for none). */
  readonly keyTypes: readonly string[];
  /** Key values before the update, per key column (stored form). */
  readonly keys: readonly ColumnValues[];
  readonly set: readonly string[];
  /** The `set` columns' declared types ('' for none). */
  readonly types: readonly string[];
  /** New values per `set` column (stored form). */
  readonly values: readonly ColumnValues[];
  readonly count: number;
  readonly guard: Guard | null;
}

/** Inserts rows. Columns not listed take their defaults. */
export interface InsertStep extends StepBase {
  readonly kind: 'insert';
  readonly key: readonly string[];
  /** The key columns' declared types ('' for none). */
  readonly keyTypes: readonly string[];
  readonly columns: readonly string[];
  /** The columns' declared types ('' for none). */
  readonly types: readonly string[];
  readonly values: readonly ColumnValues[];
  readonly count: number;
}

export type SchemaStep =
  | CreateTableStep
  | DropTableStep
  | RenameColumnStep
  | DropColumnStep
  | AddColumnStep
  | RetypeColumnStep
  | CreateIndexStep
  | DropIndexStep;

export type DataStep = DeleteStep | UpdateStep | InsertStep;

export type PlanStep = SchemaStep | DataStep;

/**
 * The order of steps by kind: a plan lists its steps in this order (steps of one kind keep theirs).
 * Index drops run first (SQLite refuses to drop an indexed column), index creations after every
 * other schema step (they name columns as renames, adds and type changes leave them). Drops run
 * before renames because a rename may take the name of a dropped column; both run before adds for
 * the same reason. Deletes run before updates and inserts so that a key freed by a delete can be
 * taken.
 */
export const STEP_ORDER = {
  createTable: 0,
  dropTable: 0,
  dropIndex: 1,
  dropColumn: 2,
  renameColumn: 3,
  addColumn: 4,
  retypeColumn: 5,
  createIndex: 6,
  delete: 10,
  update: 20,
  insert: 30,
} as const satisfies Record<PlanStep['kind'], number>;

/**
 * A push as plain data: versioned, structured-clone friendly, steps in {@link STEP_ORDER}. Build one
 * with `buildPlan`, preview it with `planToSql`, run it with `Database.push`.
 *
 * @example
 * ```ts
 * const plan = table.plan();
 * console.log(planToSql(plan));
 * ```
 */
export interface ExecutionPlan {
  readonly version: typeof PLAN_VERSION;
  readonly steps: readonly PlanStep[];
  /**
   * What the edits were based on: for each table, the last commit whose effects its stored values
   * include. Rows no commit has written since hold exactly the values the guards expect: the
   * engine checks the guards of the rows later commits wrote or deleted, and of no other.
   * `Database.push()` fills this in; a plan built by hand should leave it out (its guards are
   * then all checked).
   */
  readonly basis?: readonly TableBasis[];
}

/** A table's stored values as of a commit (see `ExecutionPlan.basis`). */
export interface TableBasis {
  readonly table: string;
  readonly seq: number;
}

/** A function from plan to plan, run after the built-in compression (see `buildPlan`). */
export type PlanPass = (plan: ExecutionPlan) => ExecutionPlan;

/** True for schema steps. */
export function isSchemaStep(step: PlanStep): step is SchemaStep {
  return STEP_ORDER[step.kind] < STEP_ORDER.delete;
}

/** Number of rows a column batch holds. */
export function batchLength(values: readonly ColumnValues[]): number {
  return values[0]?.length ?? 0;
}
