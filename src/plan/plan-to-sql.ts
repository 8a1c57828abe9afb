import { postgresPreview } from '../dialect/postgres/postgres-preview';
import { postgresLiteral } from '../dialect/postgres/postgres-text';
import { sqlitePreview } from '../dialect/sqlite/sqlite-preview';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import type { ExecutionPlan, RetypeChanges } from './execution-plan';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import { sqliteLiteral } from '../dialect/sqlite/sqlite-text';

/** Options of {@link planToSql}. */
export interface PlanToSqlOptions {
  /** Rows shown per step before the rest is summarised (default 20). */
  readonly maxRowsPerStep?: number;
  /**
   * The database whose statements to show (default `'sqlite'`): the statements the engine runs
   * for the plan, built by the same dialect the engine uses. `'postgres'`: the statements
   * `applyPlan` from `pandalchemy/postgres` runs, built by the same PostgreSQL dialect.
   */
  readonly dialect?: 'sqlite' | 'postgres';
}

/**
 * The plan as readable SQL text with values inlined, for previews and logs: the statements a push
 * runs, in its order, built by the dialect that runs them (a table without a declared key is
 * addressed by its rowid; `RETURNING rowid` where the engine learns a row's rowid). This text is
 * never run: running a plan binds every value as a parameter.
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
  return sqlitePlanText(plan, max);
}

/**
 * The SQLite statements of a plan as text (see {@link planToSql}), with the schemas `schemaOf`
 * gives (a tracked table passes its own).
 */
export function sqlitePlanText(
  plan: ExecutionPlan,
  max: number,
  schemaOf?: (table: string) => TableInfo | null | undefined,
): string {
  const lines: string[] = [];
  for (const line of sqlitePreview(plan, schemaOf)) {
    if ('comment' in line) {
      lines.push(`-- ${line.comment}`);
      continue;
    }
    if ('changes' in line) {
      lines.push(...changeLines(line.changes, max));
      continue;
    }
    if (line.note) lines.push(`-- ${line.note}`);
    const parameters = line.parameters;
    if (!parameters) {
      lines.push(`${line.sql}; -- for each of ${line.rows} row(s)`);
      continue;
    }
    const shown = Math.min(line.rows, max);
    for (let i = 0; i < shown; i++) lines.push(`${inline(line.sql, parameters(i))};`);
    if (line.rows > shown)
      lines.push(`-- ... and ${line.rows - shown} more row(s) of this statement`);
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
      .map((k, c) => `${q(k)} = ${sqliteLiteral(changes.keys[c]?.[i] ?? null)}`)
      .join(', ');
    const before = sqliteLiteral(changes.before[i] ?? null);
    lines.push(`-- row ${key}: ${before} -> ${sqliteLiteral(changes.after[i] ?? null)}`);
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

function inline(sql: string, params: readonly SqlValue[]): string {
  // Without parameters there is nothing to inline (a '?' in a CHECK's string literal stays).
  if (!params.length) return sql;
  let i = 0;
  // Placeholders are the only '?' outside identifiers and string literals: identifiers are
  // quoted, and the one statement that holds both binds no string literal (see sqlite_schema).
  return sql
    .split('"')
    .map((part, n) =>
      n % 2 ? part : part.replace(/\?/g, () => sqliteLiteral(params[i++] ?? null)),
    )
    .join('"');
}
