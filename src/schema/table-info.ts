import type { ColumnKind } from '../values/column-kind';

/** One column of a table as SQLite declares it. */
export interface ColumnInfo {
  readonly name: string;
  /** The type as declared in CREATE TABLE ('' when none). */
  readonly declaredType: string;
  /** How values of this column are represented in JavaScript. */
  readonly kind: ColumnKind;
  readonly notNull: boolean;
  /** The DEFAULT expression as written in the schema, or null. */
  readonly defaultSql: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly primaryKey: number;
}

/** An index of a table. */
export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** How the index came to be: `c` CREATE INDEX, `u` UNIQUE constraint, `pk` PRIMARY KEY. */
  readonly origin: 'c' | 'u' | 'pk';
  /** The CREATE INDEX statement, null for indexes that constraints create. */
  readonly sql: string | null;
}

/** A foreign key of a table (possibly over several columns). */
export interface ForeignKeyInfo {
  readonly columns: readonly string[];
  readonly table: string;
  readonly to: readonly string[];
  readonly onUpdate: string;
  readonly onDelete: string;
}

/** A trigger on a table. */
export interface TriggerInfo {
  readonly name: string;
  readonly sql: string;
}

/**
 * How rows of a table are identified: by its declared primary key, or by SQLite's rowid when the
 * table declares none (the rowid is then exposed as a column named by `columns[0]`).
 */
export interface KeyInfo {
  readonly kind: 'primary' | 'rowid';
  readonly columns: readonly string[];
  /**
   * True when the database assigns the key of a row inserted without one: an INTEGER PRIMARY KEY
   * (an alias of the rowid) or the rowid itself.
   */
  readonly autoAssigned: boolean;
}

/** Everything the library needs to know of a table's schema. */
export interface TableInfo {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  readonly key: KeyInfo;
  readonly withoutRowid: boolean;
  readonly autoIncrement: boolean;
  readonly indexes: readonly IndexInfo[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly triggers: readonly TriggerInfo[];
  /** The CREATE TABLE statement as stored in sqlite_schema. */
  readonly sql: string;
}

/** Names under which the rowid of a table without a declared key is exposed, in order of preference. */
export const ROWID_NAMES = ['rowid', '_rowid_', 'oid'] as const;
