import type { SqlValue } from '../../values/sql-value';
import type { CompiledStatement, Query } from '../dialect';

/** AUTOINCREMENT counters as SQLite keeps them in `sqlite_sequence`: table name, last key. */
export type Sequences = [string, number | bigint][];

/**
 * Whether the database has `sqlite_sequence` (SQLite creates it with the first AUTOINCREMENT
 * table): reading it otherwise fails.
 *
 * @example
 * ```ts
 * const counters = ask(db, hasSqliteSequences()) ? ask(db, sqliteSequences()) : null;
 * ```
 */
export function hasSqliteSequences(): Query<boolean> {
  return {
    sql: "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'",
    runs: 1,
    parameters: () => [],
    read: (answers) => (answers[0]?.length ?? 0) > 0,
  };
}

/**
 * Every AUTOINCREMENT counter, by table name: what a redo record keeps, so that a replay assigns
 * the keys the push assigned next (see {@link restoreSqliteSequences}).
 *
 * @example
 * ```ts
 * ask(db, sqliteSequences()); // [['orders', 42]]
 * ```
 */
export function sqliteSequences(): Query<Sequences> {
  return {
    sql: 'SELECT name, seq FROM sqlite_sequence ORDER BY name',
    runs: 1,
    parameters: () => [],
    read: (answers) =>
      (answers[0] ?? []).map(([name, seq]) => [
        String(name),
        typeof seq === 'bigint' ? seq : Number(seq),
      ]),
  };
}

/**
 * The statements that set the AUTOINCREMENT counters to `sequences`, as a push left them: the
 * old ones cleared, then one insert run per counter.
 *
 * @example
 * ```ts
 * for (const st of restoreSqliteSequences([['orders', 42]])) runAll(db, st);
 * ```
 */
export function restoreSqliteSequences(
  sequences: readonly (readonly [string, number | bigint])[],
): CompiledStatement<SqlValue>[] {
  return [
    {
      sql: 'DELETE FROM sqlite_sequence',
      rows: 1,
      parameters: () => [],
      expect: 'any',
      returning: [],
    },
    {
      sql: 'INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)',
      rows: sequences.length,
      parameters: (i) => [...sequences[i]!],
      expect: 'any',
      returning: [],
    },
  ];
}
