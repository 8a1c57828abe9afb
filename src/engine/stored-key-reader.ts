import type { Affinity } from '../dialect/sqlite/affinity';
import { keyAffinities, toldKeyValue } from '../dialect/sqlite/matched-keys';
import { storedKeySql } from '../dialect/sqlite/stored-key-sql';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { ExactStatement } from './exact-statement';
import { rowOf, type SqlDatabase } from './sqlite';

/**
 * Reads keys as stored, for effects: other readers find a row by its key exactly, and the key a
 * plan addresses a row by may only compare equal to the stored one (7 to '7' under TEXT affinity,
 * 'abc' to 'ABC' under NOCASE). Where a statement cannot return the key (the key before a move;
 * WITHOUT ROWID rows, which have no rowid to return), the row is read by the plan's key: before
 * the statement for the key a row had, after it for the key it has: only where the key's values
 * do not tell it (see `toldKeyValue`). Prepared on first use.
 */
export class StoredKeyReader {
  #stmt: ExactStatement | null = null;
  readonly #affinities: Affinity[] | null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly info: TableInfo,
    private readonly key: readonly string[],
  ) {
    this.#affinities = keyAffinities(info, key);
  }

  /** The stored key of the row `key` addresses; `key` itself when no row has it. */
  read(key: SqlValue[]): SqlValue[] {
    const told = this.#told(key);
    if (told) return told;
    this.#stmt ??= new ExactStatement(this.db, storedKeySql(this.info, this.key));
    const stmt = this.#stmt.bind(key);
    const row = stmt.step() ? rowOf(stmt) : null;
    stmt.reset();
    return row ?? key;
  }

  /** The key as stored where its values alone tell it, else null. */
  #told(key: SqlValue[]): SqlValue[] | null {
    const affinities = this.#affinities;
    if (!affinities) return null;
    const out = new Array<SqlValue>(key.length);
    for (let c = 0; c < key.length; c++) {
      const v = toldKeyValue(affinities[c]!, key[c]!);
      if (v === undefined) return null;
      out[c] = v;
    }
    return out;
  }

  free(): void {
    this.#stmt?.free();
    this.#stmt = null;
  }
}
