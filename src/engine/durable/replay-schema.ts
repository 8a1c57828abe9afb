import type { TableInfo } from '../../schema/table-info';
import { findTable } from '../introspect';
import { selectRows, type SqlDatabase } from '../sqlite';

/**
 * What replay needs of the schema, read once per replay instead of once per record: the tables'
 * descriptions and their triggers. Only a record's DDL changes the schema, so a record with DDL
 * clears what was read ({@link ReplaySchema.changed}). Reading `pragma_table_xinfo` and friends
 * per record made every small redo record cost milliseconds on reopen.
 *
 * @example
 * ```ts
 * const schema = new ReplaySchema(db);
 * for (const record of records) replayRecord(db, record, true, schema);
 * ```
 */
export class ReplaySchema {
  readonly #db: SqlDatabase;
  readonly #tables = new Map<string, TableInfo | null>();
  /** Every trigger as [table, name, sql], in creation (rowid) order; null until read. */
  #triggers: (readonly [string, string, string])[] | null = null;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** The table's description, or null when it does not exist. */
  table(name: string): TableInfo | null {
    let info = this.#tables.get(name);
    if (info === undefined) {
      info = findTable(this.#db, name);
      this.#tables.set(name, info);
    }
    return info;
  }

  /**
   * The triggers on any of `tables` as [name, sql], in creation order, as replay sets them aside.
   * They are created again after the record, and so move to the end of that order: `recreated`
   * says so.
   */
  triggers(tables: ReadonlySet<string>): readonly (readonly [string, string])[] {
    this.#triggers ??= selectRows(
      this.#db,
      "SELECT tbl_name, name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY rowid",
    ).map(([table, name, sql]) => [String(table), String(name), String(sql)] as const);
    return this.#triggers.filter(([t]) => tables.has(t)).map(([, name, sql]) => [name, sql]);
  }

  /** The triggers on `tables` were dropped and created again, in the same order. */
  recreated(tables: ReadonlySet<string>): void {
    if (!this.#triggers) return;
    const moved = this.#triggers.filter(([t]) => tables.has(t));
    if (moved.length)
      this.#triggers = [...this.#triggers.filter(([t]) => !tables.has(t)), ...moved];
  }

  /** Forgets everything read: the schema changed. */
  changed(): void {
    this.#tables.clear();
    this.#triggers = null;
  }
}
