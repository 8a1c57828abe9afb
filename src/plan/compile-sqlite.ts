import { PandalchemyError } from '../errors/pandalchemy-error';
import type { SqlValue } from '../values/sql-value';
import { checkExpression } from './check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  type ColumnDefinition,
  type ColumnValues,
  type CreateTableStep,
  type DataStep,
  type ExecutionPlan,
  type ForeignKeyDefinition,
  type PlanStep,
  type RetypeChanges,
} from './execution-plan';
import { checkDeclaredType, quoteIdentifier as q, sqlLiteral } from './sql-text';
import { postgresPreview } from '../dialect/postgres/postgres-preview';
import { postgresLiteral } from '../dialect/postgres/postgres-text';

/**
 * One SQL statement and, for data steps, the parameters of each row it runs for. The statement is
 * prepared once and run `rows` times, binding `params(i)` for row `i`.
 */
export interface CompiledStatement {
  readonly sql: string;
  readonly rows: number;
  params(row: number): SqlValue[];
}

const noParams = (): SqlValue[] => [];

function once(sql: string): CompiledStatement {
  return { sql, rows: 1, params: noParams };
}

function rowParams(columns: readonly ColumnValues[]): (row: number) => SqlValue[] {
  return (row) => {
    const out = new Array<SqlValue>(columns.length);
    for (let c = 0; c < columns.length; c++) out[c] = columns[c]![row] ?? null;
    return out;
  };
}

/** `"k1" = ? AND "k2" = ?` */
export function keyPredicate(key: readonly string[]): string {
  return key.map((k) => `${q(k)} = ?`).join(' AND ');
}

/** The column clause of CREATE TABLE or ALTER TABLE ADD COLUMN. */
export function columnDefinitionSql(column: ColumnDefinition, inlinePrimaryKey = ''): string {
  let sql = q(column.name);
  const type = checkDeclaredType(column.declaredType);
  if (type) sql += ` ${type}`;
  if (inlinePrimaryKey) sql += ` ${inlinePrimaryKey}`;
  if (column.notNull) sql += ' NOT NULL';
  const d = column.default;
  if (d) sql += ` DEFAULT ${'keyword' in d ? d.keyword : defaultLiteral(d.value)}`;
  return sql;
}

function defaultLiteral(value: SqlValue): string {
  // Parenthesised so that negative numbers and blobs are valid DEFAULT expressions.
  return value === null ? 'NULL' : `(${sqlLiteral(value)})`;
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
    let sql = columnDefinitionSql(
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
 * The statements of one step. Retyping a column needs the table's current schema and is compiled
 * by the engine (a table rebuild); here it yields a comment so that previews stay complete.
 *
 * @example
 * ```ts
 * compileStep({ kind: 'dropColumn', table: 't', column: 'x' })[0].sql
 * // 'ALTER TABLE "t" DROP COLUMN "x"'
 * ```
 */
export function compileStep(step: PlanStep): CompiledStatement[] {
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
      return [once(`ALTER TABLE ${t} ADD COLUMN ${columnDefinitionSql(step.column)}`)];
    case 'createIndex':
      return [
        once(
          `CREATE ${step.unique ? 'UNIQUE ' : ''}INDEX ${q(step.index)} ON ${t} (${step.columns.map(q).join(', ')})`,
        ),
      ];
    case 'dropIndex':
      return [once(`DROP INDEX ${q(step.index)}`)];
    case 'retypeColumn':
      return [
        once(
          `-- rebuild ${t} so that ${q(step.column)} has type ${checkDeclaredType(step.declaredType) || '(none)'}`,
        ),
      ];
    case 'delete':
    case 'update':
    case 'insert':
      return [compileDataStep(step)];
  }
}

/** The one prepared statement of a data step. */
export function compileDataStep(step: DataStep): CompiledStatement {
  const t = q(step.table);
  switch (step.kind) {
    case 'delete':
      return {
        sql: `DELETE FROM ${t} WHERE ${keyPredicate(step.key)}`,
        rows: step.count,
        params: rowParams(step.keys),
      };
    case 'update': {
      const set = step.set.map((c) => `${q(c)} = ?`).join(', ');
      return {
        sql: `UPDATE ${t} SET ${set} WHERE ${keyPredicate(step.key)}`,
        rows: step.count,
        params: rowParams([...step.values, ...step.keys]),
      };
    }
    case 'insert':
      return {
        sql: step.columns.length
          ? `INSERT INTO ${t} (${step.columns.map(q).join(', ')}) VALUES (${step.columns.map(() => '?').join(', ')})`
          : `INSERT INTO ${t} DEFAULT VALUES`,
        rows: step.count,
        params: rowParams(step.values),
      };
  }
}

/** Options of {@link planToSql}. */
export interface PlanToSqlOptions {
  /** Rows shown per step before the rest is summarised (default 20). */
  readonly maxRowsPerStep?: number;
  /**
   * The database whose statements to show (default `'sqlite'`). `'postgres'`: the statements
   * `applyPlan` from `pandalchemy/postgres` runs, built by the same PostgreSQL dialect.
   */
  readonly dialect?: 'sqlite' | 'postgres';
}

/**
 * The plan as readable SQL text with values inlined, for previews and logs. This text is never run:
 * running a plan binds every value as a parameter.
 *
 * @example
 * ```ts
 * planToSql(table.plan())
 * // UPDATE "users" SET "age" = 31 WHERE "id" = 1;
 * ```
 */
export function planToSql(plan: ExecutionPlan, options: PlanToSqlOptions = {}): string {
  const max = options.maxRowsPerStep ?? 20;
  if (options.dialect === 'postgres') return postgresPlanText(plan, max);
  if (options.dialect !== undefined && options.dialect !== 'sqlite') {
    throw new PandalchemyError(
      'invalid_argument',
      `${JSON.stringify(options.dialect)} is not a dialect planToSql knows: use 'sqlite' or 'postgres'.`,
    );
  }
  const lines: string[] = [];
  for (const step of plan.steps) {
    for (const st of compileStep(step)) {
      const shown = Math.min(st.rows, max);
      for (let i = 0; i < shown; i++) lines.push(`${inline(st.sql, st.params(i))};`);
      if (st.rows > shown)
        lines.push(`-- ... and ${st.rows - shown} more row(s) of this statement`);
    }
    if (step.kind === 'retypeColumn' && step.changes) lines.push(...changeLines(step.changes, max));
  }
  return lines.join('\n');
}

/** The cells a type change alters, one comment line each: `-- row "id" = 3: '01067' -> 1067`. */
function changeLines(changes: RetypeChanges, max: number): string[] {
  const n = changes.before.length;
  const shown = Math.min(n, max);
  const lines: string[] = [];
  for (let i = 0; i < shown; i++) {
    const key = changes.key
      .map((k, c) => `${q(k)} = ${sqlLiteral(changes.keys[c]?.[i] ?? null)}`)
      .join(', ');
    const before = sqlLiteral(changes.before[i] ?? null);
    lines.push(`-- row ${key}: ${before} -> ${sqlLiteral(changes.after[i] ?? null)}`);
  }
  if (n > shown) lines.push(`-- ... and ${n - shown} more cell(s) this type change alters`);
  return lines;
}

/** The PostgreSQL statements of a plan, values inlined (see `postgresPreview`). */
function postgresPlanText(plan: ExecutionPlan, max: number): string {
  const lines: string[] = [];
  for (const line of postgresPreview(plan)) {
    if ('comment' in line) {
      lines.push(`-- ${line.comment}`);
      continue;
    }
    const shown = Math.min(line.rows, max);
    for (let i = 0; i < shown; i++) {
      const params = line.parameters(i);
      // Placeholders ($1) are outside identifiers, which are quoted: split on quotes.
      const text = line.sql
        .split('"')
        .map((part, n) =>
          n % 2
            ? part
            : part.replace(/\$(\d+)/g, (_, k: string) =>
                postgresLiteral(params[Number(k) - 1] ?? null),
              ),
        )
        .join('"');
      lines.push(`${text};`);
    }
    if (line.rows > shown)
      lines.push(`-- ... and ${line.rows - shown} more row(s) of this statement`);
  }
  return lines.join('\n');
}

function inline(sql: string, params: SqlValue[]): string {
  // Without parameters there is nothing to inline (a '?' in a CHECK's string literal stays).
  if (sql.startsWith('--') || !params.length) return sql;
  let i = 0;
  // Placeholders are the only '?' outside identifiers: identifiers are quoted, so split on quotes.
  return sql
    .split('"')
    .map((part, n) => (n % 2 ? part : part.replace(/\?/g, () => sqlLiteral(params[i++] ?? null))))
    .join('"');
}
