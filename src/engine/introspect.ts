import { freeRowidName } from '../schema/rowid-name';
import {
  type ColumnInfo,
  type ForeignKeyInfo,
  type IndexInfo,
  type TableInfo,
  type TriggerInfo,
} from '../schema/table-info';
import { kindOf } from '../values/column-kind';
import { selectRows, type SqlDatabase } from './sqlite';

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Every user table of the database, in creation order. */
export function introspect(db: SqlDatabase): TableInfo[] {
  const rows = selectRows(
    db,
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
  );
  return rows.map(([name, sql]) => tableInfo(db, str(name), str(sql)));
}

/** The schema of one table, or null when it does not exist. */
export function findTable(db: SqlDatabase, name: string): TableInfo | null {
  const row = selectRows(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [
    name,
  ])[0];
  return row ? tableInfo(db, name, str(row[0])) : null;
}

function tableInfo(db: SqlDatabase, name: string, sql: string): TableInfo {
  // Generated columns (hidden 2 and 3) cannot be written, so they are not offered for editing.
  const columns: ColumnInfo[] = selectRows(
    db,
    'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid',
    [name],
  ).map(([n, type, notNull, dflt, pk]) => ({
    name: str(n),
    declaredType: str(type),
    kind: kindOf(str(type)),
    notNull: notNull === 1,
    defaultSql: dflt === null ? null : str(dflt),
    primaryKey: Number(pk),
  }));
  const withoutRowid =
    Number(selectRows(db, 'SELECT wr FROM pragma_table_list WHERE name = ?', [name])[0]?.[0]) === 1;
  const pk = columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey);
  const alias =
    !withoutRowid && pk.length === 1 && pk[0]!.declaredType.trim().toUpperCase() === 'INTEGER';
  // When columns take all three names, reading or writing the table refuses (see `rowidName`).
  const rowidName = freeRowidName(columns.map((c) => c.name)) ?? 'rowid';
  return {
    name,
    columns,
    key: pk.length
      ? { kind: 'primary', columns: pk.map((c) => c.name), autoAssigned: alias }
      : { kind: 'rowid', columns: [rowidName], autoAssigned: true },
    withoutRowid,
    autoIncrement: /\bAUTOINCREMENT\b/i.test(sql),
    indexes: indexesOf(db, name),
    foreignKeys: foreignKeysOf(db, name),
    triggers: triggersOf(db, name),
    sql,
  };
}

function indexesOf(db: SqlDatabase, table: string): IndexInfo[] {
  return selectRows(
    db,
    `SELECT l.name, l."unique", l.origin, s.sql FROM pragma_index_list(?) AS l
       LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = l.name ORDER BY l.seq DESC`,
    [table],
  ).map(([name, unique, origin, sql]) => ({
    name: str(name),
    columns: selectRows(db, 'SELECT name FROM pragma_index_info(?) ORDER BY seqno', [
      str(name),
    ]).map((r) => str(r[0])),
    unique: unique === 1,
    origin: str(origin) as IndexInfo['origin'],
    sql: sql === null ? null : str(sql),
  }));
}

function foreignKeysOf(db: SqlDatabase, table: string): ForeignKeyInfo[] {
  const byId = new Map<
    number,
    { columns: string[]; to: string[]; fk: Omit<ForeignKeyInfo, 'columns' | 'to'> }
  >();
  for (const [id, , parent, from, to, onUpdate, onDelete] of selectRows(
    db,
    'SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
    [table],
  )) {
    let entry = byId.get(Number(id));
    if (!entry) {
      entry = {
        columns: [],
        to: [],
        fk: { table: str(parent), onUpdate: str(onUpdate), onDelete: str(onDelete) },
      };
      byId.set(Number(id), entry);
    }
    entry.columns.push(str(from));
    // A missing parent column means "the parent's primary key".
    if (to !== null) entry.to.push(str(to));
  }
  return [...byId.values()].map((e) => ({ ...e.fk, columns: e.columns, to: e.to }));
}

function triggersOf(db: SqlDatabase, table: string): TriggerInfo[] {
  return selectRows(
    db,
    "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid",
    [table],
  ).map(([name, sql]) => ({ name: str(name), sql: str(sql) }));
}
