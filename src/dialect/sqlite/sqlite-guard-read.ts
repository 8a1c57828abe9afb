import type { ColumnValues } from '../../plan/execution-plan';
import type { TableInfo } from '../../schema/table-info';
import type { ColumnKind } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import type { Query } from '../dialect';
import { quoteIdentifier as q } from '../quote-identifier';
import { keyColumnSql } from './sqlite-rowid';
import { keyPredicateSql } from './sqlite-data-step';

/**
 * What a read-based guard reads of each guarded row: its guarded columns, each prefixed with
 * `prefix` (a table alias and a dot, or ''), or `1` when no column is guarded (a row's presence
 * is then all there is to check).
 */
export function guardColumnsSql(
  info: TableInfo,
  columns: readonly string[],
  prefix: string,
): string[] {
  return columns.length ? columns.map((c) => `${prefix}${keyColumnSql(info, c)}`) : ['1'];
}

/**
 * One statement reading every guarded row: the keys go in as one JSON array (one parameter) and
 * each row comes back with its index (`j.key`) before `select`. A value from json_each compares
 * like a bound parameter. Every column of the table is qualified (`g.`): json_each has columns
 * of its own (id, key, value, ...).
 */
export function guardReadByJsonSql(
  info: TableInfo,
  key: readonly string[],
  select: string,
): string {
  const on = key.map((k, j) =>
    key.length === 1
      ? `g.${keyColumnSql(info, k)} = j.value`
      : `g.${keyColumnSql(info, k)} = j.value ->> ${j}`,
  );
  return `SELECT ${select} FROM json_each(?) AS j CROSS JOIN ${q(info.name)} AS g ON ${on.join(' AND ')}`;
}

/** A guarded row read by its key (one run per row, the key's values as parameters). */
export function guardReadByKeySql(info: TableInfo, key: readonly string[], select: string): string {
  return `SELECT ${select} FROM ${q(info.name)} WHERE ${keyPredicateSql(info, key)}`;
}

/**
 * Keys as one JSON array (of arrays for a composite key), or null when a value would not cross
 * JSON exactly: only integers and text without NUL do (a double's text form, bytes and NUL do not).
 */
export function jsonKeys(keys: readonly ColumnValues[], n: number): string | null {
  const parts = new Array<string>(n);
  const one = keys.length === 1;
  const cell = new Array<string>(keys.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < keys.length; k++) {
      const v = keys[k]![i];
      if (typeof v === 'number' && Number.isSafeInteger(v)) cell[k] = String(v);
      else if (typeof v === 'bigint') cell[k] = String(v);
      else if (typeof v === 'string' && !v.includes('\0')) cell[k] = JSON.stringify(v);
      else return null;
    }
    parts[i] = one ? cell[0]! : `[${cell.join(',')}]`;
  }
  return `[${parts.join(',')}]`;
}

/** Row `i` of `columns`, as an array of its own. */
function rowAt(columns: readonly ColumnValues[], i: number): SqlValue[] {
  const out = new Array<SqlValue>(columns.length);
  for (let c = 0; c < columns.length; c++) out[c] = columns[c]![i] ?? null;
  return out;
}

/**
 * A read's select list and how its rows are read. The SQLite engine reads text faster as its
 * UTF-8 bytes with sql.js (see its `RowSelect`), which only it can tell (from the database's
 * encoding); {@link plainSelect} selects the expressions as they are.
 */
export interface SelectList {
  /** The select list, comma-separated. */
  readonly sql: string;
  /** A row as the driver returned it: one value per expression. */
  decode(row: readonly SqlValue[]): readonly SqlValue[];
}

/** Makes the select list of `expressions`, whose values are mostly of `kinds`. */
export type SelectMaker = (
  expressions: readonly string[],
  kinds: readonly ColumnKind[],
) => SelectList;

/** The expressions as they are. */
export const plainSelect: SelectMaker = (expressions) => ({
  sql: expressions.join(', '),
  decode: (row) => row,
});

/**
 * A query reading `columns` (mostly of `kinds`) of the rows that `keys` name by the key columns
 * `key` (one value per row in each): the values as stored, in the order of `columns`, or
 * undefined where no row has the key. Where every key crosses JSON exactly (see
 * {@link jsonKeys}) one run reads them all (see {@link guardReadByJsonSql}); otherwise one run
 * per key.
 *
 * @example
 * ```ts
 * ask(db, sqliteReadByKey(info, ['id'], [[1, 2]], ['qty'], ['integer'])); // [[5], undefined]
 * ```
 */
export function sqliteReadByKey(
  info: TableInfo,
  key: readonly string[],
  keys: readonly ColumnValues[],
  columns: readonly string[],
  kinds: readonly ColumnKind[],
  select: SelectMaker = plainSelect,
): Query<(readonly SqlValue[] | undefined)[]> {
  const n = keys[0]?.length ?? 0;
  const width = columns.length;
  // A guard of no column reads `1`: whether the row is there.
  const read = (prefix: string): string[] => guardColumnsSql(info, columns, prefix);
  const readKinds: ColumnKind[] = width ? [...kinds] : ['integer'];
  const json = jsonKeys(keys, n);
  if (json !== null) {
    const list = select(['j.key', ...read('g.')], ['integer', ...readKinds]);
    return {
      sql: guardReadByJsonSql(info, key, list.sql),
      runs: 1,
      parameters: () => [json],
      read(answers) {
        const out = new Array<readonly SqlValue[] | undefined>(n).fill(undefined);
        for (const raw of answers[0] ?? []) {
          const row = list.decode(raw);
          out[Number(row[0])] = row.slice(1, 1 + width);
        }
        return out;
      },
    };
  }
  const list = select(read(''), readKinds);
  return {
    sql: guardReadByKeySql(info, key, list.sql),
    runs: n,
    parameters: (run) => rowAt(keys, run),
    read(answers) {
      const out = new Array<readonly SqlValue[] | undefined>(n).fill(undefined);
      answers.forEach((rows, i) => {
        const row = rows[0];
        if (row) out[i] = list.decode(row).slice(0, width);
      });
      return out;
    },
  };
}
