import { PandalchemyError } from '../../errors/pandalchemy-error';
import { checkExpression } from '../../plan/check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  type ColumnDefinition,
  type CreateTableStep,
  type ForeignKeyDefinition,
  type PlanStep,
  type SchemaStep,
} from '../../plan/execution-plan';
import { checkDeclaredType, sqliteLiteral } from './sqlite-text';
import { quoteIdentifier as q } from '../quote-identifier';
import type { TableInfo } from '../../schema/table-info';
import type { SqlValue } from '../../values/sql-value';
import { columnDefinitionSql } from '../column-definition';
import type { CompiledStatement } from '../dialect';
import { affinityOf } from './affinity';
import { retypeInCreateSql } from './create-table-text';

/**
 * A schema statement for SQLite. `writesSchema`: it writes `sqlite_schema` itself, which the
 * engine runs with `writable_schema` on and the schema version increased after (so that SQLite
 * reads the schema again).
 */
export interface SqliteSchemaStatement extends CompiledStatement<SqlValue> {
  readonly writesSchema?: true;
}

const noParameters = (): SqlValue[] => [];

function once(sql: string, parameters = noParameters): SqliteSchemaStatement {
  return { sql, rows: 1, parameters, expect: 'any', returning: [] };
}

/** The column clause of CREATE TABLE or ALTER TABLE ADD COLUMN, for SQLite. */
export function sqliteColumnSql(column: ColumnDefinition, constraint = ''): string {
  const d = column.default;
  return columnDefinitionSql(q, column, {
    type: checkDeclaredType(column.declaredType),
    ...(constraint ? { constraint } : {}),
    default: d ? ('keyword' in d ? d.keyword : defaultLiteral(d.value)) : null,
  });
}

function defaultLiteral(value: SqlValue): string {
  // Parenthesised so that negative numbers and blobs are valid DEFAULT expressions.
  return value === null ? 'NULL' : `(${sqliteLiteral(value)})`;
}

/** `CHECK (...)`, the expression checked again: plans may come from anywhere. */
function checkSql(expression: string): string {
  return `CHECK (${checkExpression(expression)})`;
}

function foreignKeySql(fk: ForeignKeyDefinition): string {
  const to = fk.to.length ? ` (${fk.to.map(q).join(', ')})` : '';
  const action = (a: string): string => {
    if (!(FOREIGN_KEY_ACTIONS as readonly string[]).includes(a))
      throw new PandalchemyError(
        'invalid_plan',
        `${JSON.stringify(a)} is not a foreign key action: use one of ${FOREIGN_KEY_ACTIONS.join(', ')}.`,
      );
    return a;
  };
  return (
    `FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.references)}${to}` +
    ` ON DELETE ${action(fk.onDelete)} ON UPDATE ${action(fk.onUpdate)}`
  );
}

function createTableSql(step: CreateTableStep): string {
  const pk = step.primaryKey;
  const single = pk.length === 1 ? pk[0] : undefined;
  const inlineAuto = step.autoIncrement && single !== undefined;
  const checks = step.checks ?? [];
  const defs = step.columns.map((c) => {
    let sql = sqliteColumnSql(
      c,
      inlineAuto && c.name === single ? 'PRIMARY KEY AUTOINCREMENT' : '',
    );
    for (const check of checks)
      if (check.column === c.name) sql += ` ${checkSql(check.expression)}`;
    return sql;
  });
  if (pk.length && !inlineAuto) defs.push(`PRIMARY KEY (${pk.map(q).join(', ')})`);
  for (const u of step.unique ?? []) defs.push(`UNIQUE (${u.map(q).join(', ')})`);
  for (const check of checks) if (check.column === null) defs.push(checkSql(check.expression));
  for (const fk of step.foreignKeys ?? []) defs.push(foreignKeySql(fk));
  return `CREATE TABLE ${q(step.table)} (${defs.join(', ')})`;
}

/**
 * The statements of a schema step as the SQLite engine runs them. `info`: the table as it is when
 * the step runs (null for `createTable`). A type change, which SQLite has no ALTER for, needs it
 * (see {@link retypeStatements}); the other steps are one statement each.
 *
 * @example
 * ```ts
 * sqliteSchemaStep({ kind: 'dropColumn', table: 't', column: 'x' }, info)[0].sql
 * // 'ALTER TABLE "t" DROP COLUMN "x"'
 * ```
 */
export function sqliteSchemaStep(
  step: SchemaStep,
  info: TableInfo | null,
): SqliteSchemaStatement[] {
  const t = q(step.table);
  switch (step.kind) {
    case 'createTable':
      return [once(createTableSql(step))];
    case 'dropTable':
      return [once(`DROP TABLE ${t}`)];
    case 'renameColumn':
      return [once(`ALTER TABLE ${t} RENAME COLUMN ${q(step.from)} TO ${q(step.to)}`)];
    case 'dropColumn':
      return [once(`ALTER TABLE ${t} DROP COLUMN ${q(step.column)}`)];
    case 'addColumn':
      return [once(`ALTER TABLE ${t} ADD COLUMN ${sqliteColumnSql(step.column)}`)];
    case 'createIndex':
      return [
        once(
          `CREATE ${step.unique ? 'UNIQUE ' : ''}INDEX ${q(step.index)} ON ${t} (${step.columns.map(q).join(', ')})`,
        ),
      ];
    case 'dropIndex':
      return [once(`DROP INDEX ${q(step.index)}`)];
    case 'retypeColumn':
      return retypeStatements(info, step.table, step.column, step.declaredType);
  }
}

/**
 * A column's type change inside the push's transaction, keeping every constraint, index, trigger
 * and foreign key of the table.
 *
 * SQLite has no ALTER COLUMN. Its 12-step rebuild needs `foreign_keys=OFF`, which cannot change
 * inside a transaction, and dropping the old table with foreign keys on would cascade into child
 * tables. Instead the declared type is rewritten in the schema (the documented `writable_schema`
 * procedure: the file format does not depend on declared types), then every value of the column is
 * written again so that it takes the new affinity, exactly as a rebuild's INSERT … SELECT would.
 * Triggers are set aside meanwhile so that this rewrite fires none of them.
 */
export function retypeStatements(
  info: TableInfo | null,
  table: string,
  column: string,
  declaredType: string,
): SqliteSchemaStatement[] {
  const type = checkDeclaredType(declaredType);
  if (!info) {
    throw new PandalchemyError(
      'unknown_table',
      `Table ${JSON.stringify(table)} does not exist, so its column cannot change type: check the table's name, or create it first.`,
      { table },
    );
  }
  const old = info.columns.find((c) => c.name === column);
  if (!old) {
    throw new PandalchemyError(
      'unknown_column',
      `Table ${JSON.stringify(table)} has no column ${JSON.stringify(column)} to change the type of: check the column's name.`,
      { table, column },
    );
  }
  const next = retypeInCreateSql(info.sql, column, type);
  const c = q(column);
  // SQLite writes whole REAL values as integers on disk and makes them REAL again on read only
  // while the column is declared REAL: once the type is rewritten they must be made REAL here.
  const value =
    affinityOf(old.declaredType) === 'REAL'
      ? `CASE WHEN typeof(${c}) = 'integer' THEN CAST(${c} AS REAL) ELSE ${c} END`
      : c;
  return [
    ...info.triggers.map((tr) => once(`DROP TRIGGER ${q(tr.name)}`)),
    {
      ...once("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", () => [
        next,
        table,
      ]),
      writesSchema: true,
    },
    once(`UPDATE ${q(table)} SET ${c} = ${value}`),
    ...info.triggers.map((tr) => once(tr.sql)),
  ];
}

/** A column a table holds while the push drops all its others (SQLite keeps at least one). */
const PLACEHOLDER = q('__pandalchemy_placeholder');

/**
 * The statements that give a table a placeholder column before a push drops every column it
 * has (`add`), and that drop it once the push has added the new ones.
 */
export function placeholderColumn(table: string, when: 'add' | 'drop'): SqliteSchemaStatement {
  return once(`ALTER TABLE ${q(table)} ${when === 'add' ? 'ADD' : 'DROP'} COLUMN ${PLACEHOLDER}`);
}

/**
 * Tables whose every column the plan drops (it adds the new ones after, as drops run first):
 * SQLite refuses to drop a table's last column, so they hold a placeholder column meanwhile.
 */
export function placeholderTables(
  steps: readonly PlanStep[],
  columnsOf: (table: string) => number | null,
): string[] {
  const drops = new Map<string, number>();
  for (const s of steps)
    if (s.kind === 'dropColumn') drops.set(s.table, (drops.get(s.table) ?? 0) + 1);
  const out: string[] = [];
  for (const [table, n] of drops) {
    const columns = columnsOf(table);
    if (columns !== null && columns <= n) out.push(table);
  }
  return out;
}
