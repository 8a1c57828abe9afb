import { freeRowidName } from '../../schema/rowid-name';
import type {
  ColumnInfo,
  ForeignKeyInfo,
  IndexInfo,
  TableInfo,
  TriggerInfo,
} from '../../schema/table-info';
import { kindOf } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import type { Query } from '../dialect';
import { asciiTrim, asciiUpper } from '../../values/ascii-case';

const str = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/**
 * The user tables of an SQLite database, in creation order (SQLite's own `sqlite_` tables left
 * out).
 *
 * @example
 * ```ts
 * const names = ask(db, sqliteTableNames()); // ['users', 'orders']
 * ```
 */
export function sqliteTableNames(): Query<string[]> {
  return {
    sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
    runs: 1,
    parameters: () => [],
    read: (answers) => (answers[0] ?? []).map((r) => str(r[0])),
  };
}

// One statement reads all a table is: each part of the answer is tagged by its first column and
// ordered by the next two, so the parts come back whole and in SQLite's order.
const TABLE = 0;
const COLUMN = 1;
const INDEX = 2;
const FOREIGN_KEY = 3;
const TRIGGER = 4;

const INTROSPECT_SQL = `SELECT ${TABLE}, 0, 0, s.sql, (SELECT wr FROM pragma_table_list WHERE name = ?1), NULL, NULL, NULL
  FROM sqlite_schema AS s WHERE s.type = 'table' AND s.name = ?1
UNION ALL
SELECT ${COLUMN}, cid, 0, name, type, "notnull", dflt_value, pk
  FROM pragma_table_xinfo(?1) WHERE hidden = 0
UNION ALL
SELECT ${INDEX}, -l.seq, c.seqno, l.name, l."unique", l.origin, s.sql, c.name
  FROM pragma_index_list(?1) AS l
  LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = l.name
  LEFT JOIN pragma_index_info(l.name) AS c
UNION ALL
SELECT ${FOREIGN_KEY}, id, seq, "table", "from", "to", on_update, on_delete
  FROM pragma_foreign_key_list(?1)
UNION ALL
SELECT ${TRIGGER}, rowid, 0, name, sql, NULL, NULL, NULL
  FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1
ORDER BY 1, 2, 3`;

/**
 * The schema of one SQLite table, read in one statement: columns (generated ones left out: they
 * cannot be written), key, rowid, AUTOINCREMENT, indexes, foreign keys and triggers. Null when
 * the table does not exist.
 *
 * @example
 * ```ts
 * const info = ask(db, sqliteIntrospect('users'));
 * info?.key; // { kind: 'primary', columns: ['id'], autoAssigned: true }
 * ```
 */
export function sqliteIntrospect(table: string): Query<TableInfo | null> {
  return {
    sql: INTROSPECT_SQL,
    runs: 1,
    parameters: () => [table],
    read: (answers) => tableInfo(table, answers[0] ?? []),
  };
}

/**
 * The schemas of several SQLite tables: {@link sqliteIntrospect}'s statement, prepared once and
 * run for each. Tables that do not exist are left out.
 *
 * @example
 * ```ts
 * const tables = ask(db, sqliteIntrospectTables(ask(db, sqliteTableNames())));
 * ```
 */
export function sqliteIntrospectTables(tables: readonly string[]): Query<TableInfo[]> {
  return {
    sql: INTROSPECT_SQL,
    runs: tables.length,
    parameters: (run) => [tables[run]!],
    read: (answers) => tables.flatMap((name, run) => tableInfo(name, answers[run] ?? []) ?? []),
  };
}

function tableInfo(name: string, rows: readonly (readonly SqlValue[])[]): TableInfo | null {
  const head = rows[0];
  if (!head || head[0] !== TABLE) return null;
  const sql = str(head[3]);
  const withoutRowid = Number(head[4]) === 1;
  const columns: ColumnInfo[] = [];
  const indexes = new Map<string, { info: Omit<IndexInfo, 'columns'>; columns: string[] }>();
  const foreignKeys = new Map<number, ForeignKeyInfo & { columns: string[]; to: string[] }>();
  const triggers: TriggerInfo[] = [];
  for (const [part, o1, , a, b, c, d, e] of rows) {
    if (part === COLUMN) {
      columns.push({
        name: str(a),
        declaredType: str(b),
        kind: kindOf(str(b)),
        notNull: c === 1,
        defaultSql: d === null ? null : str(d),
        primaryKey: Number(e),
      });
    } else if (part === INDEX) {
      const key = str(a);
      let entry = indexes.get(key);
      if (!entry) {
        entry = {
          info: {
            name: key,
            unique: b === 1,
            origin: str(c) as IndexInfo['origin'],
            sql: d === null ? null : str(d),
          },
          columns: [],
        };
        indexes.set(key, entry);
      }
      // An expression's column has no name: '' stands for it.
      entry.columns.push(str(e));
    } else if (part === FOREIGN_KEY) {
      let entry = foreignKeys.get(Number(o1));
      if (!entry) {
        entry = { table: str(a), columns: [], to: [], onUpdate: str(d), onDelete: str(e) };
        foreignKeys.set(Number(o1), entry);
      }
      entry.columns.push(str(b));
      // A missing parent column means "the parent's primary key".
      if (c !== null) entry.to.push(str(c));
    } else if (part === TRIGGER) {
      triggers.push({ name: str(a), sql: str(b) });
    }
  }
  const pk = columns
    .filter((col) => col.primaryKey > 0)
    .sort((x, y) => x.primaryKey - y.primaryKey);
  const alias =
    !withoutRowid && pk.length === 1 && asciiUpper(asciiTrim(pk[0]!.declaredType)) === 'INTEGER';
  // When columns take all three names, reading or writing the table refuses (see `rowidName`).
  const rowidName = freeRowidName(columns.map((col) => col.name)) ?? 'rowid';
  return {
    name,
    columns,
    key: pk.length
      ? { kind: 'primary', columns: pk.map((col) => col.name), autoAssigned: alias }
      : { kind: 'rowid', columns: [rowidName], autoAssigned: true },
    withoutRowid,
    autoIncrement: /\bAUTOINCREMENT\b/i.test(sql),
    indexes: [...indexes.values()].map((x) => ({ ...x.info, columns: x.columns })),
    foreignKeys: [...foreignKeys.values()],
    triggers,
    sql,
  };
}
