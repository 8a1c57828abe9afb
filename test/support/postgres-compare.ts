import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect';
import { fromPostgresText } from '../../src/dialect/postgres/postgres-types';
import { applyPlan as applySqlite } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import {
  configureConnection,
  selectRows,
  type SqlDatabase,
  type SqlJs,
} from '../../src/engine/sqlite';
import { ConflictError, PandalchemyError } from '../../src/errors/pandalchemy-error';
import { isSchemaStep, type ExecutionPlan } from '../../src/plan/execution-plan';
import { quoteIdentifier } from '../../src/dialect/quote-identifier';
import { decodeValue, encodeValue, normalizeValue } from '../../src/values/codec';
import { kindOf, type ColumnKind } from '../../src/values/column-kind';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import type { PostgresTarget } from './postgres-targets';

/**
 * What the PostgreSQL tests compare between SQLite and PostgreSQL: a table's contents, decoded as
 * a tracked table would hold them (which is what the type mapping promises), and how a push
 * ended.
 */

/** One value as text that is equal for equal values (types as a tracked table holds them). */
export function cellToken(v: CellValue): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array)
    return `x${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (v instanceof Date) return `d${v.toISOString()}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v}:${String(v)}`;
}

export function tokenOf(values: readonly SqlValue[]): string {
  return values.map((v) => cellToken(v)).join(',');
}

export interface Contents {
  readonly columns: string[];
  readonly rows: string[];
}

/** The SQLite table: column names, and rows decoded by kind, sorted. */
export function sqliteContents(db: SqlDatabase, table: string): Contents | null {
  const info = findTable(db, table);
  if (!info) return null;
  const columns = info.columns.map((c) => c.name);
  const kinds = info.columns.map((c) => kindOf(c.declaredType));
  const rows = selectRows(
    db,
    `SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`,
  )
    .map((r) => r.map((v, j) => cellToken(decodeValue(kinds[j]!, v))).join('|'))
    .sort();
  return { columns, rows };
}

/** The PostgreSQL table, read as text and decoded by the kinds of the SQLite table's columns. */
export async function postgresContents(
  target: PostgresTarget,
  table: string,
  kinds: Map<string, ColumnKind>,
): Promise<Contents | null> {
  const query = postgresDialect.introspect(table);
  const found = await target.query(query.sql, query.parameters(0) as unknown[]);
  const schema = query.read([found.map((r) => Object.values(r) as SqlValue[])]);
  if (!schema) return null;
  const columns = schema.columns.map((c) => c.name);
  const select = schema.columns.map((c) =>
    c.kind === 'blob'
      ? `"${c.name.replaceAll('"', '""')}"`
      : `"${c.name.replaceAll('"', '""')}"::text`,
  );
  const rows = (await target.query(`SELECT ${select.join(', ')} FROM "${table}"`))
    .map((r) =>
      Object.values(r)
        .map((v, j) => {
          const c = schema.columns[j]!;
          return cellToken(decodeValue(kinds.get(c.name) ?? c.kind, fromPostgresText(c.kind, v)));
        })
        .join('|'),
    )
    .sort();
  return { columns, rows };
}

/** How a push ended, comparable across databases. */
export type Outcome =
  | { ok: true }
  | { ok: false; code: string; table?: string | undefined; key?: string; conflicts?: string[] };

export function outcomeOf(e: unknown): Outcome {
  if (!(e instanceof PandalchemyError)) throw e;
  if (e instanceof ConflictError) {
    return {
      ok: false,
      code: e.code,
      conflicts: e.conflicts
        .map(
          (c) =>
            `${c.table} ${tokenOf(c.key as SqlValue[])} ${c.missing ? 'missing' : [...c.columns].sort().join(',')}`,
        )
        .sort(),
    };
  }
  if (e.code === 'constraint') {
    return {
      ok: false,
      code: e.code,
      table: e.table,
      ...(e.key ? { key: tokenOf(e.key as SqlValue[]) } : {}),
    };
  }
  // Any other failure of the database (a column another writer renamed...): each says it in its
  // own words, under its own code.
  const code = e.code === 'sqlite' || e.code === 'postgres' ? 'database' : e.code;
  return { ok: false, code, table: e.table };
}

export async function settle(push: () => unknown): Promise<Outcome> {
  try {
    await push();
    return { ok: true };
  } catch (e) {
    return outcomeOf(e);
  }
}

/** Whether a stored value is one of `kind` as a tracked table holds it (read and written back alike). */
export function isValueOf(kind: ColumnKind, raw: SqlValue): boolean {
  if (raw === null) return true;
  try {
    const v = normalizeValue(kind, decodeValue(kind, raw));
    return cellToken(decodeValue(kind, encodeValue(kind, v))) === cellToken(decodeValue(kind, raw));
  } catch {
    return false;
  }
}

/**
 * The type changes of a plan that PostgreSQL refuses on purpose (README, "The same plans in
 * PostgreSQL"): where SQLite, converting the column's stored values and its default by the new
 * type's affinity, keeps one that is not a value of the new type (2.5 made INTEGER, 12 made
 * BOOLEAN, text made REAL, anything made BLOB) and the plan does not write that row's value again
 * or delete the row (as `retypeColumn(…, { invalid: 'null' })` does), which no PostgreSQL column of
 * that type holds. Found by running the plan in a copy of the SQLite database and reading each
 * retyped column after it; where the plan fails in SQLite, after its schema steps alone, up to
 * the one that fails (then PostgreSQL may fail either way). Each such column, as `table.column`.
 */
export function refusedRetypes(SQL: SqlJs, db: SqlDatabase, plan: ExecutionPlan): string[] {
  const retypes = plan.steps.filter((s) => s.kind === 'retypeColumn');
  if (!retypes.length) return [];
  const copy = new SQL.Database(db.export());
  try {
    configureConnection(copy, true);
    const run = (steps: ExecutionPlan['steps']): boolean => {
      try {
        applySqlite(copy, { ...plan, steps }, { conflict: 'fail' });
        return true;
      } catch {
        return false;
      }
    };
    // Where the plan fails in SQLite: its schema steps up to the one that fails (PostgreSQL may
    // fail on a type change before it).
    let ran = plan.steps.length;
    if (!run(plan.steps)) {
      const schema = plan.steps.filter(isSchemaStep);
      ran = 0;
      while (ran < schema.length && run([schema[ran]!])) ran++;
      ran = plan.steps.indexOf(schema[ran - 1]!) + 1;
    }
    const out: string[] = [];
    for (const step of retypes.filter((r) => plan.steps.indexOf(r) < ran)) {
      // By the column's name after the plan's renames.
      let name = step.column;
      for (const s of plan.steps.slice(plan.steps.indexOf(step) + 1))
        if (s.kind === 'renameColumn' && s.table === step.table && s.from === name) name = s.to;
      const info = findTable(copy, step.table);
      const column = info?.columns.find((c) => c.name === name);
      if (!info || !column) continue;
      const kind = kindOf(column.declaredType);
      const c = quoteIdentifier(column.name);
      const values = selectRows(copy, `SELECT ${c} FROM ${quoteIdentifier(step.table)}`).map(
        (r) => r[0]!,
      );
      if (column.defaultSql !== null) {
        // The default as an insert stores it: under the column's affinity.
        copy.run(`CREATE TEMP TABLE probe (v ${column.declaredType} DEFAULT ${column.defaultSql})`);
        copy.run('INSERT INTO probe DEFAULT VALUES');
        values.push(...selectRows(copy, 'SELECT v FROM probe').map((r) => r[0]!));
        copy.run('DROP TABLE probe');
      }
      if (!values.every((v) => isValueOf(kind, v))) out.push(`${step.table}.${step.column}`);
    }
    return out;
  } finally {
    copy.close();
  }
}

/**
 * What a plan's data steps write into each column, by the type the column has once the plan's
 * schema steps ran: found by running those in a copy of the SQLite database; null where the push
 * fails in SQLite there already.
 */
function eachWrite(
  SQL: SqlJs,
  db: SqlDatabase,
  plan: ExecutionPlan,
  fn: (
    copy: SqlDatabase,
    column: string,
    declaredType: string,
    written: ColumnKind,
    values: SqlValue[],
  ) => boolean,
): string[] {
  const writes = plan.steps.filter((s) => s.kind === 'insert' || s.kind === 'update');
  if (!writes.length) return [];
  const copy = new SQL.Database(db.export());
  try {
    configureConnection(copy, true);
    try {
      applySqlite(copy, { ...plan, steps: plan.steps.filter(isSchemaStep) }, { conflict: 'fail' });
    } catch {
      return []; // The push fails in SQLite too.
    }
    const out = new Set<string>();
    for (const step of writes) {
      const info = findTable(copy, step.table);
      const names = step.kind === 'insert' ? step.columns : step.set;
      names.forEach((name, j) => {
        const column = info?.columns.find((c) => c.name === name);
        const written = kindOf(step.types[j] ?? '');
        if (!column || written === 'any' || kindOf(column.declaredType) === 'any') return;
        const values: SqlValue[] = [];
        for (let i = 0; i < step.count; i++) {
          const v = (step.values[j]![i] ?? null) as SqlValue;
          if (v !== null) values.push(v);
        }
        if (fn(copy, name, column.declaredType, written, values)) out.add(`${step.table}.${name}`);
      });
    }
    return [...out];
  } finally {
    copy.close();
  }
}

/**
 * The columns a plan's data steps write values into under another type than the column's (a
 * writer that did not see another's type change: 'abc' written as TEXT into a column made INTEGER
 * since, in another push or in the same plan) where SQLite, storing them by the column's
 * affinity, would keep a value of another type. Both databases refuse those (README, "The same
 * plans in PostgreSQL"). Found by storing each such value into a probe column of the type the
 * column has after the plan's schema steps: each column, as `table.column`.
 */
export function refusedWrites(SQL: SqlJs, db: SqlDatabase, plan: ExecutionPlan): string[] {
  return eachWrite(SQL, db, plan, (copy, _name, declaredType, written, values) => {
    const kind = kindOf(declaredType);
    if (written === kind) return false;
    copy.run(`CREATE TEMP TABLE probe (v ${declaredType})`);
    for (const v of values) copy.run('INSERT INTO probe VALUES (?)', [v]);
    const stored = selectRows(copy, 'SELECT v FROM probe').map((r) => r[0]!);
    copy.run('DROP TABLE probe');
    return !stored.every((v) => isValueOf(kind, v));
  });
}

/**
 * The columns a plan's data steps write values into under the column's own type that are no
 * value of it (what `retypeColumn(…, { invalid: 'keep' })` kept: 'abc' in an INTEGER column,
 * -1e300 in a NUMERIC one): SQLite stores them as they are, PostgreSQL refuses them (README, "The
 * same plans in PostgreSQL"). Each column, as `table.column`.
 */
export function keptWrites(SQL: SqlJs, db: SqlDatabase, plan: ExecutionPlan): string[] {
  return eachWrite(SQL, db, plan, (_copy, _name, declaredType, written, values) => {
    const kind = kindOf(declaredType);
    return written === kind && !values.every((v) => isValueOf(kind, v));
  });
}
