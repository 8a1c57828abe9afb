import type { ForeignKeyAction } from '../plan/execution-plan';
import type { ProgressCallback } from '../protocol/engine-api';

/** How to create a table. */
export interface CreateTableOptions {
  /** Key column(s). Without one, rows are keyed by SQLite's rowid. */
  readonly primaryKey?: string | readonly string[];
  /** For a single INTEGER key: AUTOINCREMENT (assigned keys are never reused). */
  readonly autoIncrement?: boolean;
  /** Declared types by column; others are inferred from the values. */
  readonly types?: Readonly<Record<string, string>>;
  /** Columns declared NOT NULL (key columns always are). */
  readonly notNull?: readonly string[];
  /** DEFAULT values by column: a value, or `{ keyword: 'CURRENT_TIMESTAMP' }` and the like. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** UNIQUE constraints: a column, or several columns unique together (`[['a', 'b']]`). */
  readonly unique?: readonly (string | readonly string[])[];
  /**
   * Table-level CHECK constraints: SQL expressions written by you, the app's developer (never
   * text from users or data), such as `'qty >= 0'` or `"end_date >= start_date"`. Each must be one
   * expression: no `;`, comments, parameters or subqueries; SQLite checks the rest when the table
   * is created.
   */
  readonly checks?: readonly string[];
  /** Column-level CHECK constraints by column, written as `checks` are. */
  readonly columnChecks?: Readonly<Record<string, string>>;
  /** Foreign keys: the columns, the table and columns they reference, and what a change does. */
  readonly foreignKeys?: readonly ForeignKeyOption[];
  /** Indexes to create with the table. */
  readonly indexes?: readonly IndexOption[];
  /**
   * Progress of checking and encoding the rows (`prepare`), writing them (`push`), saving the
   * database (`persist`) and loading the new table (`read`).
   */
  readonly onProgress?: ProgressCallback;
}

/** A foreign key of a new table (see {@link CreateTableOptions.foreignKeys}). */
export interface ForeignKeyOption {
  readonly columns: string | readonly string[];
  /** The table referenced, and its columns (default: its primary key). */
  readonly references: string;
  readonly to?: string | readonly string[];
  /** What deleting a referenced row does to the rows referencing it (default `'NO ACTION'`). */
  readonly onDelete?: ForeignKeyAction;
  /** What changing a referenced row's key does to them (default `'NO ACTION'`). */
  readonly onUpdate?: ForeignKeyAction;
}

/** An index of a new table (see {@link CreateTableOptions.indexes}). */
export interface IndexOption {
  readonly name: string;
  readonly columns: string | readonly string[];
  readonly unique?: boolean;
}
