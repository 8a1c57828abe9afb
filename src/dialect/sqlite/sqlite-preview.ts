import type {
  ColumnValues,
  DataStep,
  ExecutionPlan,
  PlanStep,
  RetypeChanges,
  SchemaStep,
} from '../../plan/execution-plan';
import { isSchemaStep } from '../../plan/execution-plan';
import { quoteIdentifier as q } from '../quote-identifier';
import { freeRowidName, isRowidName } from '../../schema/rowid-name';
import type { ColumnInfo, TableInfo } from '../../schema/table-info';
import { kindOf } from '../../values/column-kind';
import { INT64_MAX, INT64_MIN, type SqlValue } from '../../values/sql-value';
import type { CompiledStatement } from '../dialect';
import { exactIntegerSql } from './exact-integer-sql';
import { throughTemporaryKeys, type SqliteStatement } from './sqlite-data-step';
import { toldRows } from './told-rows';
import { insertsInKeyOrder } from './sqlite-insert-order';
import { sqliteDialect } from './sqlite-dialect';
import type { SqliteSchemaStatement } from './sqlite-schema-step';
import { asciiTrim, asciiUpper } from '../../values/ascii-case';

/**
 * One statement the SQLite engine runs for a plan, prepared once and run `rows` times.
 * `parameters` is null where the database supplies them when the push runs (the free temporary
 * keys a key swap moves through).
 */
export interface SqlitePreviewStatement {
  readonly sql: string;
  readonly rows: number;
  readonly parameters: ((row: number) => readonly SqlValue[]) | null;
  /** Said before the statement in a preview: why it runs, or what it depends on. */
  readonly note?: string;
}

/**
 * A statement; a comment where what runs is decided from the database's contents; or the cells a
 * type change alters (`changes`), which a preview lists after the change.
 */
export type SqlitePreviewLine =
  SqlitePreviewStatement | { readonly comment: string } | { readonly changes: RetypeChanges };

/**
 * The statements the SQLite engine runs to apply a plan, in the order it runs them, built by the
 * same dialect the engine runs ({@link sqliteDialect}'s `schemaStep`, `temporaryKeys` and
 * `dataStep`). `schemaOf`
 * gives a table's schema as the database holds it before the push (a tracked table knows its
 * own); a table it does not give is described from the plan: a created table's definition, else
 * its data steps' keys (a key named `rowid` is the rowid, a single INTEGER key an alias of it).
 *
 * Not shown: reads (guards, the rows read back, `sqlite_sequence`) and the change log's temporary
 * triggers where the push needs them. Guards are shown as the engine runs them when the plan's
 * basis is current: read first (not at all when no other writer changed the rows), so no guard
 * predicate appears in a statement.
 *
 * @example
 * ```ts
 * sqlitePreview(t.plan(), (name) => (name === t.name ? t.info : undefined));
 * ```
 */
export function sqlitePreview(
  plan: ExecutionPlan,
  schemaOf: (table: string) => TableInfo | null | undefined = () => undefined,
): SqlitePreviewLine[] {
  const schemas = new Map<string, TableInfo | null | undefined>();
  const schema = (table: string): TableInfo | null | undefined => {
    if (!schemas.has(table)) schemas.set(table, schemaOf(table));
    return schemas.get(table);
  };
  const out: SqlitePreviewLine[] = [];
  const around = sqliteDialect.schemaStepsAround(
    plan.steps,
    (table) => schema(table)?.columns.length ?? null,
  );
  out.push(...around.before.map(statement));
  const reshaped = new Set<string>();
  for (const step of plan.steps) {
    if (!isSchemaStep(step)) continue;
    const info = schema(step.table);
    // A table made in memory (trackedTable()) has no CREATE TABLE text to rewrite yet.
    if (step.kind === 'retypeColumn' && (!info?.sql || reshaped.has(step.table))) {
      // Built from the table's CREATE TABLE text as it is when the step runs.
      out.push({
        comment: `rewrite the declared type of ${q(step.column)} in ${q(step.table)}'s CREATE TABLE to ${step.declaredType || '(none)'}, then write every value of the column again`,
      });
    } else {
      out.push(...sqliteDialect.schemaStep(step, info ?? null).map(statement));
    }
    if (step.kind === 'retypeColumn' && step.changes) out.push({ changes: step.changes });
    reshaped.add(step.table);
    schemas.set(step.table, afterSchemaStep(info, step));
  }
  out.push(...around.after.map(statement));
  const dataSteps = plan.steps.filter((s): s is DataStep => !isSchemaStep(s));
  for (const step of insertsInKeyOrder(dataSteps, (s) => schema(s.table) ?? fromDataStep(s))) {
    const info = schema(step.table) ?? fromDataStep(step);
    if (step.kind === 'update' && sqliteDialect.temporaryKeys(step, info)) {
      // The temporary keys are read from the table when the push runs: not shown.
      const unknown = new Array<SqlValue>(step.count).fill(null);
      const temporaryKeys = throughTemporaryKeys(step, unknown).keys;
      // Temporary keys are rowids where the rowid is the key (INTEGER affinity), else BLOBs: the
      // rows that take a BigInt exactly are told by the plan's values alone.
      const statements = sqliteDialect.dataStep(step, info, {
        guard: null,
        report: true,
        temporaryKeys,
      });
      const notes = [
        'the rows first move to free temporary keys, chosen when the push runs',
        'then to their new keys',
      ];
      statements.forEach((st, n) =>
        lines(st, 0, st.rows, null).forEach((l, j) => out.push(j ? l : { ...l, note: notes[n]! })),
      );
      continue;
    }
    out.push(...data(step, info, 'known'));
  }
  return out;
}

function statement(st: SqliteSchemaStatement): SqlitePreviewStatement {
  return {
    sql: st.sql,
    rows: st.rows,
    parameters: (i) => st.parameters(i),
    ...(st.writesSchema
      ? { note: 'with writable_schema on, and the schema version increased after' }
      : {}),
  };
}

/** A data step's statements as the engine runs them (`temporaryKeys`: as a key move's). */
function data(
  step: DataStep,
  info: TableInfo,
  parameters: 'known' | null,
  temporaryKeys?: readonly ColumnValues[],
): SqlitePreviewStatement[] {
  const statements = sqliteDialect.dataStep(step, info, {
    guard: null,
    report: true,
    ...(temporaryKeys ? { temporaryKeys } : {}),
  });
  // The engine's push, unlogged where the table has no trigger and no REPLACE (a foreign-key
  // action of another table is not seen here), runs rows whose rowid the update hook tells
  // without RETURNING.
  const told =
    statements.length === 1 && !info.triggers.length && !/\bREPLACE\b/i.test(info.sql)
      ? toldRows(step, info)
      : null;
  if (told === null) return statements.flatMap((st) => lines(st, 0, st.rows, parameters));
  const [plain] = sqliteDialect.dataStep(step, info, { guard: null, report: false });
  if (told === 'all') return lines(plain!, 0, step.count, parameters);
  // Consecutive rows run by the same statement are one line.
  const out: SqlitePreviewStatement[] = [];
  for (let from = 0; from < step.count;) {
    let to = from + 1;
    while (to < step.count && told[to] === told[from]) to++;
    out.push(...lines(told[from] ? plain! : statements[0]!, from, to - from, parameters));
    from = to;
  }
  return out;
}

/**
 * `rows` runs of a statement from row `from` of its step: a line per run of consecutive rows
 * binding BigInts as the same parameters, which the engine binds to the statement taking those
 * as integers (see `exactIntegerSql`).
 */
function lines(
  st: SqliteStatement,
  from: number,
  rows: number,
  parameters: 'known' | null,
): SqlitePreviewStatement[] {
  const out: SqlitePreviewStatement[] = [];
  let start = from;
  let mask: string | null = bigintsAt(st.sources, from);
  for (let i = from + 1; i <= from + rows; i++) {
    const next = i < from + rows ? bigintsAt(st.sources, i) : null;
    if (next === mask) continue;
    const at = mask ? new Set(mask.split(',').map(Number)) : null;
    out.push(
      line(
        st,
        at ? exactIntegerSql(st.sql, (p) => at.has(p)) : st.sql,
        start,
        i - start,
        parameters,
      ),
    );
    start = i;
    mask = next;
  }
  return out.length ? out : [line(st, st.sql, from, 0, parameters)];
}

/** The parameters of row `i` that bind a BigInt, as `'0,3'`; '' for none. */
function bigintsAt(sources: readonly (ArrayLike<unknown> | null)[], i: number): string {
  let mask = '';
  for (let c = 0; c < sources.length; c++) {
    const v = sources[c]?.[i];
    if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) mask += mask ? `,${c}` : `${c}`;
  }
  return mask;
}

/** `rows` runs of a statement, as `sql`, from row `from` of its step. */
function line(
  st: CompiledStatement<SqlValue>,
  sql: string,
  from: number,
  rows: number,
  parameters: 'known' | null,
): SqlitePreviewStatement {
  return {
    sql,
    rows,
    // A copy per row: the statement's own array is reused.
    parameters: parameters && ((i) => [...st.parameters(from + i)]),
  };
}

function column(name: string, declaredType: string, primaryKey: number): ColumnInfo {
  return {
    name,
    declaredType,
    kind: kindOf(declaredType),
    notNull: false,
    defaultSql: null,
    primaryKey,
  };
}

function table(
  name: string,
  columns: ColumnInfo[],
  primaryKey: readonly string[],
  autoIncrement = false,
): TableInfo {
  const pk = columns.filter((c) => primaryKey.includes(c.name));
  const alias = pk.length === 1 && asciiUpper(asciiTrim(pk[0]!.declaredType)) === 'INTEGER';
  return {
    name,
    columns,
    key: primaryKey.length
      ? { kind: 'primary', columns: primaryKey, autoAssigned: alias }
      : {
          kind: 'rowid',
          columns: [freeRowidName(columns.map((c) => c.name)) ?? 'rowid'],
          autoAssigned: true,
        },
    withoutRowid: false,
    autoIncrement,
    indexes: [],
    foreignKeys: [],
    triggers: [],
    sql: '',
  };
}

/** A table as its data step describes it: its key, and the columns it names. */
function fromDataStep(step: DataStep): TableInfo {
  const names = step.kind === 'update' ? step.set : step.kind === 'insert' ? step.columns : [];
  const types = step.kind === 'delete' ? [] : step.types;
  const rowid = step.key.length === 1 && isRowidName(step.key[0]!);
  const columns = rowid ? [] : step.key.map((k, i) => column(k, step.keyTypes[i] ?? '', i + 1));
  names.forEach((n, i) => {
    if (!step.key.includes(n)) columns.push(column(n, types[i] ?? '', 0));
  });
  return table(step.table, columns, rowid ? [] : step.key);
}

/** A table's schema after a schema step, as far as the statements of later steps depend on it. */
function afterSchemaStep(
  info: TableInfo | null | undefined,
  step: SchemaStep | PlanStep,
): TableInfo | null | undefined {
  switch (step.kind) {
    case 'createTable':
      return table(
        step.table,
        step.columns.map((c) =>
          column(c.name, c.declaredType, step.primaryKey.indexOf(c.name) + 1),
        ),
        step.primaryKey,
        step.autoIncrement,
      );
    case 'dropTable':
      return null;
    case 'addColumn':
      return (
        info && {
          ...info,
          columns: [...info.columns, column(step.column.name, step.column.declaredType, 0)],
        }
      );
    case 'dropColumn':
      return info && { ...info, columns: info.columns.filter((c) => c.name !== step.column) };
    case 'retypeColumn':
      // Later steps write the column under its new type (and are checked against it).
      return (
        info && {
          ...info,
          columns: info.columns.map((c) =>
            c.name === step.column
              ? { ...c, declaredType: step.declaredType, kind: kindOf(step.declaredType) }
              : c,
          ),
        }
      );
    case 'renameColumn':
      return (
        info && {
          ...info,
          columns: info.columns.map((c) => (c.name === step.from ? { ...c, name: step.to } : c)),
          key: {
            ...info.key,
            columns: info.key.columns.map((k) => (k === step.from ? step.to : k)),
          },
        }
      );
    default:
      return info;
  }
}
