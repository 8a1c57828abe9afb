import { PandalchemyError } from '../../errors/pandalchemy-error';
import type {
  ColumnDefinition,
  DataStep,
  ExecutionPlan,
  PlanStep,
} from '../../plan/execution-plan';
import { isSchemaStep } from '../../plan/execution-plan';
import { kindOf } from '../../values/column-kind';
import type { CompiledStatement, SchemaColumn, TableSchema } from '../dialect';
import type { PostgresColumn } from './postgres-column';
import { postgresDialect } from './postgres-dialect';
import { rewrittenRows } from './postgres-rewritten-rows';
import { defaultSql } from './postgres-schema-steps';
import type { PostgresValue } from './postgres-types';

/** A statement the preview shows, or a comment line where what runs depends on the database. */
export type PreviewLine = CompiledStatement<PostgresValue> | { readonly comment: string };

/**
 * The statements `applyPlan` runs in PostgreSQL for a plan's steps, built by the same dialect from
 * what the plan itself says of each table: a created table's definition, and the declared types
 * its data steps carry. Where what runs depends on the table's contents or on a type the plan
 * does not give, a comment says so: the temporary keys a key swap moves through (chosen from the
 * stored keys), a type change of a column whose current type the plan does not hold, and the
 * values a type change sets to NULL first because the push writes them again (see
 * `aroundRetype`).
 */
export function postgresPreview(plan: ExecutionPlan): PreviewLine[] {
  const schemas = new Map<string, TableSchema | null>();
  const out: PreviewLine[] = [];
  const comment = (text: string): void => void out.push({ comment: text });
  for (const [index, step] of plan.steps.entries()) {
    const known = schemas.get(step.table) ?? null;
    if (isSchemaStep(step)) {
      try {
        // The key as the table has it, or as the plan's data steps name it.
        const key =
          known?.key.columns ??
          plan.steps.find((s): s is DataStep => !isSchemaStep(s) && s.table === step.table)?.key ??
          [];
        const rewritten =
          step.kind === 'retypeColumn' && key.length ? rewrittenRows(plan, index, key) : null;
        if (rewritten && step.kind === 'retypeColumn') {
          comment(
            `UPDATE ${postgresDialect.quoteIdentifier(step.table)} SET ${postgresDialect.quoteIdentifier(step.column)} = NULL WHERE <key> AND <the value does not convert>: for the ${rewritten.keys[0]?.length ?? 0} row(s) the push then writes again or deletes (a NOT NULL column is held by a CHECK until the data steps are done)`,
          );
        }
        out.push(...postgresDialect.schemaStep(step, known));
      } catch (e) {
        if (!(e instanceof PandalchemyError) || step.kind !== 'retypeColumn') throw e;
        comment(
          `ALTER TABLE ${postgresDialect.quoteIdentifier(step.table)} ALTER COLUMN ${postgresDialect.quoteIdentifier(step.column)} TYPE ... USING ...: the conversion depends on the column's current type and default`,
        );
      }
      schemas.set(step.table, afterSchemaStep(known, step));
      continue;
    }
    const schema = withStepColumns(known, step);
    schemas.set(step.table, schema);
    if (step.kind === 'update') {
      const moves = postgresDialect.temporaryKeys(step, schema);
      if (moves) {
        comment(
          `${moves.sql}: the moved rows first take free temporary keys chosen from its answer, then their new keys`,
        );
        continue;
      }
    }
    const report =
      step.kind === 'insert' && !schema.key.columns.every((k) => step.columns.includes(k));
    out.push(...postgresDialect.dataStep(step, schema, { guard: null, report }));
  }
  return out;
}

function column(name: string, declaredType: string, primaryKey: number): SchemaColumn {
  return { name, declaredType, kind: kindOf(declaredType), notNull: false, primaryKey };
}

/** A column the plan defines, its default known (see `defaultOf`). */
function defined(c: ColumnDefinition, primaryKey: number): PostgresColumn {
  const kind = kindOf(c.declaredType);
  return {
    ...column(c.name, c.declaredType, primaryKey),
    defaultSql: c.default ? defaultSql(kind, c.default) : null,
  };
}

/** A table's schema as the plan knows it after a schema step (null: not known). */
function afterSchemaStep(schema: TableSchema | null, step: PlanStep): TableSchema | null {
  switch (step.kind) {
    case 'createTable':
      return {
        name: step.table,
        columns: step.columns.map((c) => defined(c, step.primaryKey.indexOf(c.name) + 1)),
        key: { kind: 'primary', columns: step.primaryKey, autoAssigned: false },
      };
    case 'dropTable':
      return null;
    case 'addColumn':
      return (
        schema && {
          ...schema,
          columns: [...schema.columns, defined(step.column, 0)],
        }
      );
    case 'dropColumn':
      return schema && { ...schema, columns: schema.columns.filter((c) => c.name !== step.column) };
    case 'renameColumn':
      return (
        schema && {
          ...schema,
          columns: schema.columns.map((c) => (c.name === step.from ? { ...c, name: step.to } : c)),
          key: {
            ...schema.key,
            columns: schema.key.columns.map((k) => (k === step.from ? step.to : k)),
          },
        }
      );
    case 'retypeColumn':
      return (
        schema && {
          ...schema,
          columns: schema.columns.map((c) =>
            // The converted default is not followed: a second type change shows as a comment.
            c.name === step.column ? column(c.name, step.declaredType, c.primaryKey) : c,
          ),
        }
      );
    default:
      return schema;
  }
}

/** The schema with the columns a data step names, typed as the step says. */
function withStepColumns(
  schema: TableSchema | null,
  step: PlanStep & { kind: 'delete' | 'update' | 'insert' },
): TableSchema {
  const columns = [...(schema?.columns ?? [])];
  const add = (names: readonly string[], types: readonly string[], key: boolean): void =>
    names.forEach((n, i) => {
      if (!columns.some((c) => c.name === n))
        columns.push(column(n, types[i] ?? '', key ? i + 1 : 0));
    });
  add(step.key, step.keyTypes, true);
  if (step.kind === 'update') add(step.set, step.types, false);
  if (step.kind === 'insert') add(step.columns, step.types, false);
  return {
    name: step.table,
    columns,
    key: schema?.key ?? { kind: 'primary', columns: step.key, autoAssigned: false },
  };
}
