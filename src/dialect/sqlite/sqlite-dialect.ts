import { PandalchemyError } from '../../errors/pandalchemy-error';
import type {
  ColumnValues,
  DataStep,
  Guard,
  PlanStep,
  SchemaStep,
  UpdateStep,
} from '../../plan/execution-plan';
import type { TableInfo } from '../../schema/table-info';
import type { SqlValue } from '../../values/sql-value';
import { temporaryIntegers } from '../temporary-integers';
import type { DataStepOptions, Dialect, DialectFailure, Query } from '../dialect';
import { keyMovesOf, newKeyRange, uniqueBlobs } from '../key-moves';
import { quoteIdentifier as q } from '../quote-identifier';
import {
  sqliteDataStep,
  temporaryKeyColumn,
  throughTemporaryKeys,
  type SqliteStatement,
} from './sqlite-data-step';
import { sqliteReadByKey, type SelectMaker } from './sqlite-guard-read';
import { sqliteIntrospect } from './sqlite-introspect';
import { readByKeySql, readByRowidSql } from './sqlite-read-back';
import { isRowidKeyed, rowidName } from './sqlite-rowid';
import {
  placeholderColumn,
  placeholderTables,
  sqliteSchemaStep,
  type SqliteSchemaStatement,
} from './sqlite-schema-step';
import { sqliteLiteral } from './sqlite-text';

/**
 * The SQLite dialect as the engine drives it: {@link Dialect} over SQLite's own table
 * description (`TableInfo`: rowids, indexes, triggers, the CREATE TABLE text), with what only
 * SQLite's engine needs besides.
 */
export interface SqliteDialect extends Dialect<TableInfo, SqlValue> {
  readonly name: 'sqlite';
  /**
   * As {@link Dialect.schemaStep}; a statement may have to write `sqlite_schema` itself
   * (`writesSchema`): run it as {@link SqliteDialect.writableSchema} says.
   */
  schemaStep(step: SchemaStep, schema: TableInfo | null): SqliteSchemaStatement[];
  /**
   * The statements around a plan's schema steps: SQLite keeps at least one column in a table, so
   * a table whose every column the plan drops (it adds the new ones after) holds a placeholder
   * column meanwhile, added `before` the schema steps and dropped `after` them. `columnsOf`: how
   * many columns a table has before the push (null: no such table).
   */
  schemaStepsAround(
    steps: readonly PlanStep[],
    columnsOf: (table: string) => number | null,
  ): { readonly before: SqliteSchemaStatement[]; readonly after: SqliteSchemaStatement[] };
  /**
   * How a statement that writes `sqlite_schema` runs (the documented `writable_schema`
   * procedure): read the schema version, turn `on` writing the schema, run the statement, set
   * the version `bump` makes of the one read (one past it, which makes SQLite read the schema
   * again), and turn it `off` whatever happened.
   */
  readonly writableSchema: {
    readonly version: Query<number>;
    readonly on: string;
    bump(version: number): string;
    readonly off: string;
  };
  /**
   * How a redo record is replayed: its rows hold what the database decided, so nothing may
   * decide again. Foreign-key actions are turned off `before` its transaction (SQLite ignores
   * the setting inside one) and on again `after` it where the connection checks them.
   */
  readonly replay: {
    readonly before: string;
    readonly begin: string;
    readonly commit: string;
    readonly after: string;
  };
  /**
   * As {@link Dialect.dataStep}; each statement says which step it runs (a key move's first
   * statement runs the move to temporary keys) and by which keys it addresses the rows.
   */
  dataStep(step: DataStep, schema: TableInfo, options: DataStepOptions): SqliteStatement[];
  /**
   * As {@link Dialect.readGuard}; `select` makes the select list (the engine reads text as its
   * UTF-8 bytes, see `SelectList`).
   */
  readGuard(
    schema: TableInfo,
    guard: Guard,
    select?: SelectMaker,
  ): Query<(readonly SqlValue[] | undefined)[]>;
  /** As {@link Dialect.readRows}; `select` as for {@link SqliteDialect.readGuard}. */
  readRows(
    schema: TableInfo,
    columns: readonly string[],
    keys: readonly ColumnValues[],
    select?: SelectMaker,
  ): Query<(readonly SqlValue[] | undefined)[]>;
  /**
   * Reading back what a push wrote the fast way sql.js allows, with a select list the engine
   * makes (see `RowSelect`): the rows of a rowid table by rowid, all in one run (its one
   * parameter: the rowids as a JSON array), and the rows of a WITHOUT ROWID table by key, one run
   * per row. {@link Dialect.readRows} is the same read by key, for any table.
   */
  readonly readBack: {
    byRowid(schema: TableInfo, select: string): string;
    byKey(schema: TableInfo, select: string): string;
  };
}

/** Free temporary rowids: past the largest rowid, or below the smallest when the top is taken. */
function temporaryRowids(n: number, max: SqlValue, min: SqlValue): SqlValue[] {
  const top = typeof max === 'bigint' ? max : BigInt(Math.trunc(Number(max ?? 0)));
  const bottom = typeof min === 'bigint' ? min : BigInt(Math.trunc(Number(min ?? 0)));
  // Integers within 2^53 as numbers, as the library holds them.
  return temporaryIntegers(n, top, bottom).map((v) =>
    v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v,
  );
}

/** The larger of a stored rowid (null for none) and a whole number (null for none). */
function higher(stored: SqlValue, other: bigint | null): SqlValue {
  if (other === null) return stored;
  if (stored === null) return other;
  const s = typeof stored === 'bigint' ? stored : BigInt(Math.trunc(Number(stored)));
  return other > s ? other : stored;
}

/** The smaller of a stored rowid (null for none) and a whole number (null for none). */
function lower(stored: SqlValue, other: bigint | null): SqlValue {
  if (other === null) return stored;
  if (stored === null) return other;
  const s = typeof stored === 'bigint' ? stored : BigInt(Math.trunc(Number(stored)));
  return other < s ? other : stored;
}

/** Free temporary keys of any type: a BLOB never equals a stored key of another type, and keeps its type under any affinity. */
function temporaryBlobs(n: number): SqlValue[] {
  return uniqueBlobs(n);
}

/**
 * SQLite checks a key's uniqueness row by row: an update whose new keys are other moved rows' old
 * keys (a swap, a chain) moves its rows through free temporary keys first, in one key column the
 * step sets. Integers past the largest rowid where the rowid is the key (read from the table),
 * random BLOBs otherwise (no read: the query runs no statement).
 */
function temporaryKeys(step: UpdateStep, info: TableInfo): Query<readonly ColumnValues[]> | null {
  if (keyMovesOf(step) !== 'viaTemporary') return null;
  const n = step.count;
  const withTemporaries = (temporaries: ColumnValues): ColumnValues[] =>
    throughTemporaryKeys(step, temporaries).keys;
  if (!isRowidKeyed(info))
    return {
      sql: 'SELECT NULL',
      runs: 0,
      parameters: () => [],
      read: () => withTemporaries(temporaryBlobs(n)),
    };
  const rid = rowidName(info);
  const t = q(step.table);
  return {
    // One aggregate per SELECT: SQLite then reads each from the end of the rowid's b-tree.
    sql: `SELECT (SELECT max(${rid}) FROM ${t}), (SELECT min(${rid}) FROM ${t})`,
    runs: 1,
    parameters: () => [],
    read(answers) {
      const row = answers[0]?.[0];
      // Past the new keys too: a row may move to the key just past the largest stored one.
      const moved = newKeyRange(step, step.key[temporaryKeyColumn(step)]!);
      const max = higher(row?.[0] ?? null, moved.max);
      const min = lower(row?.[1] ?? null, moved.min);
      return withTemporaries(temporaryRowids(n, max, min));
    },
  };
}

/**
 * The statements of a data step: one, or for an update that moves its rows through temporary
 * keys, the move to them first, then the step addressing the rows by them.
 */
function dataStep(step: DataStep, info: TableInfo, options: DataStepOptions): SqliteStatement[] {
  const report = options.report;
  const temporaries = options.temporaryKeys;
  if (step.kind !== 'update' || !temporaries)
    return [sqliteDataStep(step, info, { guard: options.guard, report })];
  const moved = throughTemporaryKeys(step, temporaries[temporaryKeyColumn(step)]!);
  return [
    sqliteDataStep(moved.step, info, { guard: null, report }),
    sqliteDataStep(step, info, { guard: options.guard, report, keys: temporaries }),
  ];
}

const FAILURES: readonly [RegExp, DialectFailure['kind']][] = [
  [/^UNIQUE constraint failed: (.*)$/, 'unique'],
  [/^NOT NULL constraint failed: (.*)$/, 'notNull'],
  [/^FOREIGN KEY constraint failed/, 'foreignKey'],
  [/^CHECK constraint failed: (.*)$/, 'check'],
  // Any other refusal SQLite words as a constraint's (a trigger's RAISE aside).
  [/constraint failed/i, 'constraint'],
  [/datatype mismatch/, 'type'],
];

/** What SQLite refused, from the message sql.js gives (SQLite names columns as `table.column`). */
function failureOf(error: unknown): DialectFailure | null {
  if (error instanceof PandalchemyError) return null;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : null;
  if (message === null) return null;
  for (const [pattern, kind] of FAILURES) {
    const m = pattern.exec(message);
    if (!m) continue;
    const named = m[1];
    if (kind === 'check' && named) return { kind, constraint: named, message };
    // One column: `t.c`; several (a composite UNIQUE) are left to the message.
    const column = named && !named.includes(',') ? named.slice(named.indexOf('.') + 1) : undefined;
    return { kind, message, ...(column ? { column } : {}) };
  }
  return { kind: 'other', message };
}

/**
 * The SQLite dialect: statements with `?` parameters and quoted identifiers (a table without a
 * declared key addressed by its rowid), the values bound as they are stored. The SQLite engine
 * runs exactly what it returns, and `planToSql` shows it. Guards may be checked inside a data
 * step's statement (`options.guard`); a key swap goes through temporary keys, which this dialect
 * decides from the step and the table.
 *
 * @example
 * ```ts
 * const [st] = sqliteDialect.dataStep(step, info, { guard: null, report: true });
 * st.sql; // 'UPDATE "users" SET "age" = ? WHERE "id" = ?'
 * ```
 */
export const sqliteDialect: SqliteDialect = {
  name: 'sqlite',

  quoteIdentifier: q,

  literal: sqliteLiteral,

  transaction: {
    // Cross-table and cross-step references only have to hold when the push is complete.
    begin: ['BEGIN', 'PRAGMA defer_foreign_keys=ON'],
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
  },

  introspect: sqliteIntrospect,

  schemaStep: sqliteSchemaStep,

  schemaStepsAround(steps, columnsOf) {
    const tables = placeholderTables(steps, columnsOf);
    return {
      before: tables.map((t) => placeholderColumn(t, 'add')),
      after: tables.map((t) => placeholderColumn(t, 'drop')),
    };
  },

  writableSchema: {
    version: {
      sql: 'PRAGMA schema_version',
      runs: 1,
      parameters: () => [],
      read: (answers) => Number(answers[0]?.[0]?.[0] ?? 0),
    },
    on: 'PRAGMA writable_schema=ON',
    bump: (version) => `PRAGMA schema_version=${Math.trunc(version) + 1}`,
    off: 'PRAGMA writable_schema=OFF',
  },

  replay: {
    before: 'PRAGMA foreign_keys=OFF',
    begin: 'BEGIN',
    commit: 'COMMIT',
    after: 'PRAGMA foreign_keys=ON',
  },

  temporaryKeys,

  dataStep,

  readGuard: (info, guard, select) =>
    sqliteReadByKey(info, guard.key, guard.keys, guard.columns, guard.kinds, select),

  readRows(info, columns, keys, select) {
    const kinds = new Map(info.columns.map((c) => [c.name, c.kind]));
    // The exposed rowid of a table without a declared key is no column of `info.columns`.
    const columnKinds = columns.map((c) => kinds.get(c) ?? 'integer');
    return sqliteReadByKey(info, info.key.columns, keys, columns, columnKinds, select);
  },

  readBack: { byRowid: readByRowidSql, byKey: readByKeySql },

  failureOf,
};
