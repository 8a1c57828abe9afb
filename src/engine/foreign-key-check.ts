import { ForeignKeyError, type ForeignKeyViolation } from '../errors/pandalchemy-error';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { rowidName } from '../dialect/sqlite/sqlite-rowid';
import { findTable } from './introspect';
import { rowOf, selectRows, withStatement, type SqlDatabase } from './sqlite';
import { messageOf } from './sqlite-error';

/** Violations a refusal lists; the message counts the rest. */
const LISTED = 100;

/** Whether an SQLite error is a FOREIGN KEY constraint failing. */
export function isForeignKeyFailure(e: unknown): boolean {
  return /FOREIGN KEY constraint failed/i.test(messageOf(e));
}

/** A foreign key of a table: its columns, and the parent's columns they reference. */
interface Reference {
  readonly columns: string[];
  readonly parent: string;
  readonly parentColumns: string[];
}

function referenceOf(db: SqlDatabase, table: string, id: number): Reference | null {
  const rows = selectRows(
    db,
    'SELECT "table", "from", "to" FROM pragma_foreign_key_list(?) WHERE id = ? ORDER BY seq',
    [table, id],
  );
  if (!rows.length) return null;
  const parent = String(rows[0]![0]);
  let to = rows.map((r) => (r[2] === null ? null : String(r[2])));
  // A foreign key that names no columns references the parent's primary key.
  if (to.some((c) => c === null)) to = [...(findTable(db, parent)?.key.columns ?? [])];
  return { columns: rows.map((r) => String(r[1])), parent, parentColumns: to as string[] };
}

/** Violations read back in full to tell them from those the database held before the push. */
const COMPARED = 10_000;

/** A row `PRAGMA foreign_key_check` reports: the child row (null rowid: WITHOUT ROWID) and key. */
interface Dangling {
  readonly table: string;
  readonly rowid: SqlValue;
  readonly fkid: number;
}

const idOf = (d: Dangling): string => `${d.fkid}\0${d.table}\0${String(d.rowid)}`;

/** Up to `limit` rows `PRAGMA foreign_key_check` reports, and how many it reports in all. */
function danglingRows(db: SqlDatabase, limit: number): { rows: Dangling[]; total: number } {
  const rows: Dangling[] = [];
  let total = 0;
  withStatement(db, 'PRAGMA foreign_key_check', (stmt) => {
    while (stmt.step()) {
      const [table, rowid, , fkid] = rowOf(stmt);
      if (total++ < limit)
        rows.push({ table: String(table), rowid: rowid ?? null, fkid: Number(fkid) });
    }
  });
  return { rows, total };
}

/**
 * The rows the push left referencing rows that do not exist, as `PRAGMA foreign_key_check`
 * reports them, with each row's key and referencing values: run inside the push's transaction
 * after COMMIT failed on a deferred foreign key (the transaction is still open then). Rows that
 * already referenced nothing before the push (a file imported so) are left out: `rollBack` undoes
 * the push, and the check then tells them. A row of a WITHOUT ROWID table has no rowid to find it
 * by: such rows are found by their missing references instead. Returns a typed error naming
 * them, to throw (the push rolled back).
 */
export function foreignKeyError(
  db: SqlDatabase,
  cause: unknown,
  rollBack: () => void,
): ForeignKeyError {
  const after = danglingRows(db, COMPARED);
  const infos = new Map<string, TableInfo | null>();
  const info = (t: string): TableInfo | null => {
    if (!infos.has(t)) infos.set(t, findTable(db, t));
    return infos.get(t)!;
  };
  const found: { id: string; violation: ForeignKeyViolation }[] = [];
  const keyless = new Map<string, number>();
  for (const f of after.rows) {
    const child = info(f.table);
    const ref = referenceOf(db, f.table, f.fkid);
    if (!child || !ref) continue;
    if (f.rowid === null) {
      const id = `${f.fkid}\0${f.table}`;
      keyless.set(id, (keyless.get(id) ?? 0) + 1);
      continue;
    }
    const row = selectRows(
      db,
      `SELECT ${[...child.key.columns.map((k) => keySql(child, k)), ...ref.columns.map(q)].join(', ')} FROM ${q(child.name)} WHERE ${rowidName(child)} = ?`,
      [f.rowid],
    )[0];
    if (row) found.push({ id: idOf(f), violation: violation(child, ref, row) });
  }
  const withoutRowid: ForeignKeyViolation[] = [];
  for (const [id, n] of keyless) {
    const [fkid, table] = id.split('\0') as [string, string];
    const child = info(table)!;
    const ref = referenceOf(db, table, Number(fkid))!;
    withoutRowid.push(...missingReferences(db, child, ref, Math.min(n, LISTED)));
  }
  rollBack();
  const before = danglingRows(db, COMPARED);
  const held = new Set(before.rows.map(idOf));
  // Compared only where both lists are whole; a push is refused for rows it wrote, never for
  // none: if every row is one held before, all are listed.
  const comparable = after.total <= COMPARED && before.total <= COMPARED;
  const fresh = comparable ? found.filter((f) => !held.has(f.id)) : found;
  const listed = (fresh.length || withoutRowid.length ? fresh : found).map((f) => f.violation);
  const violations = [...listed, ...withoutRowid].slice(0, LISTED);
  const total = comparable
    ? Math.max(violations.length, listed.length + withoutRowid.length)
    : Math.max(after.total, violations.length);
  return new ForeignKeyError(violations, messageOf(cause), total);
}

/** The SQL of a key column: the rowid of a table without a declared key. */
function keySql(info: TableInfo, name: string): string {
  return info.key.kind === 'rowid' && name === info.key.columns[0] ? rowidName(info) : q(name);
}

function violation(
  child: TableInfo,
  ref: Reference,
  row: readonly SqlValue[],
): ForeignKeyViolation {
  const k = child.key.columns.length;
  return {
    table: child.name,
    key: row.slice(0, k),
    columns: ref.columns,
    values: row.slice(k),
    parent: ref.parent,
    parentColumns: ref.parentColumns,
  };
}

/**
 * Up to `limit` rows of `child` whose references (all non-NULL, as SQLite checks them) match no
 * row of the parent: how rows without a rowid are found.
 */
function missingReferences(
  db: SqlDatabase,
  child: TableInfo,
  ref: Reference,
  limit: number,
): ForeignKeyViolation[] {
  const match = ref.columns
    .map((c, i) => `p.${q(ref.parentColumns[i] ?? c)} = c.${q(c)}`)
    .join(' AND ');
  const sql =
    `SELECT ${[...child.key.columns, ...ref.columns].map((c) => `c.${q(c)}`).join(', ')} ` +
    `FROM ${q(child.name)} AS c WHERE ${ref.columns.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ')} ` +
    `AND NOT EXISTS (SELECT 1 FROM ${q(ref.parent)} AS p WHERE ${match}) LIMIT ?`;
  const out: ForeignKeyViolation[] = [];
  withStatement(db, sql, (stmt) => {
    stmt.bind([limit]);
    while (stmt.step()) out.push(violation(child, ref, rowOf(stmt)));
  });
  return out;
}
