import type { ColumnDefinition, ColumnValues, Guard, RetypeChanges } from './execution-plan';

/**
 * The net changes of one table since its last push, in plan terms (names, stored values): what a
 * tracked table reports and `buildPlan` orders into steps. Being net, it is already compressed: a
 * row inserted then updated is one insert with its final values, inserted then deleted is
 * nothing, a column added then renamed is added under its final name, added then dropped is
 * nothing, and updates list only the columns whose value differs from the stored one.
 */
export interface TableDiff {
  readonly table: string;
  /** Key column names before the push. */
  readonly keyBefore: readonly string[];
  /** Key column names after the push's schema steps. */
  readonly keyAfter: readonly string[];
  /** Their declared types after the push's schema steps. */
  readonly keyTypes: readonly string[];
  /** Stored columns to drop (stored names). */
  readonly drops: readonly string[];
  /** Stored columns to rename, in any order (`buildPlan` orders them). */
  readonly renames: readonly { readonly from: string; readonly to: string }[];
  /** Columns to add, under their final names. */
  readonly adds: readonly ColumnDefinition[];
  /** Columns (final names) to give a new declared type, and the stored cells that alters. */
  readonly retypes: readonly {
    readonly column: string;
    readonly declaredType: string;
    readonly changes?: RetypeChanges;
  }[];
  /** Indexes to drop (drops run first), and to create (columns under their final names). */
  readonly indexDrops?: readonly string[];
  readonly indexCreates?: readonly {
    readonly index: string;
    readonly columns: readonly string[];
    readonly unique: boolean;
  }[];
  readonly deletes: { readonly keys: readonly ColumnValues[]; readonly guard: Guard } | null;
  /** Rows whose key changes: keys before, keys after. */
  readonly rekeys: {
    readonly keys: readonly ColumnValues[];
    readonly newKeys: readonly ColumnValues[];
    readonly guard: Guard;
  } | null;
  /** Updates of non-key columns, one entry per set of changed columns; rows found by final key. */
  readonly updates: readonly {
    readonly set: readonly string[];
    /** The `set` columns' declared types. */
    readonly types: readonly string[];
    readonly keys: readonly ColumnValues[];
    readonly values: readonly ColumnValues[];
    readonly guard: Guard;
  }[];
  /** Inserts, one entry per set of given columns (a row giving none inserts DEFAULT VALUES). */
  readonly inserts: readonly {
    readonly columns: readonly string[];
    /** The columns' declared types. */
    readonly types: readonly string[];
    readonly values: readonly ColumnValues[];
    readonly count: number;
  }[];
}
