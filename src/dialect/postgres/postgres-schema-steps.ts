import { PandalchemyError } from '../../errors/pandalchemy-error';
import { checkExpression } from '../../plan/check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  type ColumnDefinition,
  type RetypeColumnStep,
  type SchemaStep,
} from '../../plan/execution-plan';
import { kindOf, type ColumnKind } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import { columnDefinitionSql } from '../column-definition';
import type { CompiledStatement, TableSchema } from '../dialect';
import { postgresLiteral, quotePostgresIdentifier as q } from './postgres-text';
import { defaultOf } from './postgres-column';
import type { RewrittenRows } from './postgres-rewritten-rows';
import { retypeExpression } from './postgres-retype';
import { postgresType, toPostgresValue, type PostgresValue } from './postgres-types';

/** A statement that runs once, with no parameters. */
function once(sql: string): CompiledStatement<PostgresValue> {
  return { sql, rows: 1, parameters: () => [], expect: 'any', returning: [] };
}

/**
 * The statements of a schema step for PostgreSQL. A table needs a primary key (rows are
 * addressed by it; PostgreSQL has no rowid); a type change converts the stored values with
 * `ALTER COLUMN ... TYPE ... USING` (see {@link retypeExpression}), its default too.
 */
export function postgresSchemaStep(
  step: SchemaStep,
  schema: TableSchema | null,
): CompiledStatement<PostgresValue>[] {
  const t = q(step.table);
  switch (step.kind) {
    case 'createTable': {
      if (!step.primaryKey.length) throw noPrimaryKey(step.table);
      const single = step.primaryKey.length === 1 ? step.primaryKey[0] : undefined;
      const columns = step.columns.map((c) =>
        columnSql(
          c,
          step.autoIncrement && c.name === single && kindOf(c.declaredType) === 'integer',
        ),
      );
      columns.push(`PRIMARY KEY (${step.primaryKey.map(q).join(', ')})`);
      // Declared constraints, all table-level (a column's CHECK means the same there).
      for (const u of step.unique ?? []) columns.push(`UNIQUE (${u.map(q).join(', ')})`);
      for (const c of step.checks ?? []) columns.push(`CHECK (${checkExpression(c.expression)})`);
      for (const fk of step.foreignKeys ?? []) {
        // Actions are SQL keywords: only SQLite's fixed list ever reaches the text.
        for (const action of [fk.onDelete, fk.onUpdate]) {
          if (!(FOREIGN_KEY_ACTIONS as readonly string[]).includes(action))
            throw new PandalchemyError(
              'invalid_plan',
              `${JSON.stringify(action)} is not a foreign key action: use one of ${FOREIGN_KEY_ACTIONS.join(', ')}.`,
              { table: step.table },
            );
        }
        const to = fk.to.length ? ` (${fk.to.map(q).join(', ')})` : '';
        // Checked when the push commits, as SQLite checks them: rows may come in any order.
        columns.push(
          `FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.references)}${to} ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate} DEFERRABLE INITIALLY DEFERRED`,
        );
      }
      return [once(`CREATE TABLE ${t} (${columns.join(', ')})`)];
    }
    case 'createIndex':
      return [
        once(
          `CREATE ${step.unique ? 'UNIQUE ' : ''}INDEX ${q(step.index)} ON ${t} (${step.columns.map(q).join(', ')})`,
        ),
      ];
    case 'dropIndex':
      return [once(`DROP INDEX ${q(step.index)}`)];
    case 'dropTable':
      return [once(`DROP TABLE ${t}`)];
    case 'renameColumn':
      return [once(`ALTER TABLE ${t} RENAME COLUMN ${q(step.from)} TO ${q(step.to)}`)];
    case 'dropColumn':
      return [once(`ALTER TABLE ${t} DROP COLUMN ${q(step.column)}`)];
    case 'addColumn':
      return [once(`ALTER TABLE ${t} ADD COLUMN ${columnSql(step.column, false)}`)];
    case 'retypeColumn': {
      const column = schema?.columns.find((c) => c.name === step.column);
      if (!column) {
        throw new PandalchemyError(
          'unknown_column',
          `Table ${JSON.stringify(step.table)} has no column ${JSON.stringify(step.column)} to change the type of: check the column's name.`,
          { table: step.table, column: step.column },
        );
      }
      const type = postgresType(step.declaredType, step.column);
      const c = q(step.column);
      const convert = (x: string): string =>
        retypeExpression(x, column.kind, kindOf(step.declaredType), type, step.declaredType);
      const retype = `ALTER COLUMN ${c} TYPE ${type} USING ${convert(c)}`;
      const old = defaultOf(column);
      if (old === null) return [once(`ALTER TABLE ${t} ${retype}`)];
      // The default converts as the values do (PostgreSQL refuses to keep one of the old type),
      // and is evaluated once here, so that a default that does not convert fails this push
      // rather than a later insert (not a sequence's next value, which that would take). Its
      // text is PostgreSQL's own rendering of the expression.
      const converted = convert(`(${old})`);
      const alter = once(
        `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT, ${retype}, ALTER COLUMN ${c} SET DEFAULT ${converted}`,
      );
      return /\bnextval\(/i.test(old) ? [alter] : [alter, once(`SELECT ${converted}`)];
    }
  }
}

/** What a type change runs around its own statements, and after the plan's data steps. */
export interface AroundRetype {
  readonly before: CompiledStatement<PostgresValue>[];
  readonly after: CompiledStatement<PostgresValue>[];
  /** After the plan's data steps. */
  readonly end: CompiledStatement<PostgresValue>[];
}

/**
 * The statements that let a type change leave NULL, until the plan's data steps write them again,
 * in the rows `rewritten` names whose value does not convert (see `rewrittenRows`): what SQLite
 * ends with, where PostgreSQL alone would refuse the change. Those rows' values are set to NULL
 * first (by their keys, bound), then converted as the others. A NOT NULL column is NOT NULL again
 * after the data steps; meanwhile a CHECK that only new values must pass stands in for it, so that
 * a data step writing NULL there fails on its row as SQLite's NOT NULL makes it fail.
 */
export function aroundRetype(
  step: RetypeColumnStep,
  schema: TableSchema,
  rewritten: RewrittenRows,
  index: number,
): AroundRetype {
  const column = schema.columns.find((c) => c.name === step.column);
  if (!column) return { before: [], after: [], end: [] };
  const t = q(step.table);
  const c = q(step.column);
  const type = postgresType(step.declaredType, step.column);
  const converted = retypeExpression(
    c,
    column.kind,
    kindOf(step.declaredType),
    type,
    step.declaredType,
    'null',
  );
  const key = schema.key.columns;
  const keyKinds = key.map((k) => schema.columns.find((col) => col.name === k)?.kind ?? 'text');
  const n = rewritten.keys[0]?.length ?? 0;
  const before: CompiledStatement<PostgresValue>[] = [
    {
      sql: `UPDATE ${t} SET ${c} = NULL WHERE ${key.map((k, j) => `${q(k)} = $${j + 1}`).join(' AND ')} AND ${c} IS NOT NULL AND (${converted}) IS NULL`,
      rows: n,
      parameters: (i) =>
        rewritten.keys.map((values, j) => toPostgresValue(keyKinds[j]!, values[i] ?? null)),
      expect: 'any',
      returning: [],
    },
  ];
  if (!column.notNull) return { before, after: [], end: [] };
  const own = `${step.column}_not_null`;
  const check = q(new TextEncoder().encode(own).length <= 63 ? own : `not_null_${index}`);
  return {
    before: [once(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL`), ...before],
    after: [once(`ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID`)],
    end: [
      once(
        `ALTER TABLE ${t} DROP CONSTRAINT ${check}, ALTER COLUMN ${q(rewritten.column)} SET NOT NULL`,
      ),
    ],
  };
}

/** The error for a table without a primary key. */
export function noPrimaryKey(table: string): PandalchemyError {
  return new PandalchemyError(
    'key_column',
    `Table ${JSON.stringify(table)} has no primary key, and PostgreSQL has no rowid to address its rows by: give it a key (a column or columns that identify each row) before pushing it to PostgreSQL.`,
    { table },
  );
}

/** A column's definition: name, PostgreSQL type, NOT NULL, default (or identity). */
function columnSql(c: ColumnDefinition, identity: boolean): string {
  return columnDefinitionSql(q, c, {
    type: postgresType(c.declaredType, c.name),
    ...(identity ? { constraint: 'GENERATED BY DEFAULT AS IDENTITY' } : {}),
    default: c.default && !identity ? defaultSql(kindOf(c.declaredType), c.default) : null,
  });
}

/**
 * A default as SQL. SQLite's current-time keywords give UTC text; here they give the column's
 * type, in UTC too.
 */
export function defaultSql(kind: ColumnKind, d: NonNullable<ColumnDefinition['default']>): string {
  const utc = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
  if ('keyword' in d) {
    // Whole seconds, as SQLite's CURRENT_TIMESTAMP.
    if (kind === 'datetime') return `date_trunc('second', ${utc})`;
    if (kind === 'date') return `${utc}::date`;
    const format = {
      CURRENT_TIMESTAMP: 'YYYY-MM-DD HH24:MI:SS',
      CURRENT_DATE: 'YYYY-MM-DD',
      CURRENT_TIME: 'HH24:MI:SS',
    };
    return `to_char(${utc}, '${format[d.keyword]}')`;
  }
  return postgresLiteral(toPostgresValue(kind, d.value as SqlValue));
}
