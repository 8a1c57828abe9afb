import { PandalchemyError } from '../errors/pandalchemy-error';
import { checkExpression } from '../plan/check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  type CheckDefinition,
  type CreateIndexStep,
  type CreateTableStep,
  type ForeignKeyAction,
  type ForeignKeyDefinition,
} from '../plan/execution-plan';
import { checkIdentifier, identifierKey } from '../dialect/sqlite/sqlite-text';
import { nameForMessage } from '../errors/name-for-message';
import { describeValue } from '../values/codec';
import type { CreateTableOptions } from './create-table-options';

/**
 * The constraints and indexes `options` declare, checked against the table's columns: every name
 * a column, every CHECK one expression, every action one of SQLite's.
 *
 * @example
 * ```ts
 * tableConstraints('t', ['id', 'qty'], { checks: ['qty >= 0'] }).table.checks
 * // [{ column: null, expression: 'qty >= 0' }]
 * ```
 */
export function tableConstraints(
  table: string,
  names: readonly string[],
  options: CreateTableOptions,
): {
  table: Pick<CreateTableStep, 'unique' | 'checks' | 'foreignKeys'>;
  indexes: CreateIndexStep[];
} {
  const context = { table };
  const columnsOf = (v: unknown, what: string): string[] => {
    const list =
      typeof v === 'string'
        ? [v]
        : Array.isArray(v) && v.length && v.every((c) => typeof c === 'string')
          ? [...(v as string[])]
          : null;
    if (!list) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} takes a column name or a non-empty array of names; got ${describeValue(v)}.`,
        context,
      );
    }
    for (const c of list) {
      if (!names.includes(c)) {
        throw new PandalchemyError(
          'unknown_column',
          `${what} names ${nameForMessage(c)}, which is not a column of the data (${names.join(', ')}): use one of its columns.`,
          { table, column: c },
        );
      }
    }
    if (new Set(list).size !== list.length) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} lists a column twice: list each once.`,
        context,
      );
    }
    return list;
  };
  const listOf = <T>(v: readonly T[] | undefined, what: string): readonly T[] => {
    if (v !== undefined && !Array.isArray(v)) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} is an array; got ${describeValue(v)}.`,
        context,
      );
    }
    return v ?? [];
  };
  const action = (v: unknown, what: string): ForeignKeyAction => {
    if (v === undefined) return 'NO ACTION';
    if (!(FOREIGN_KEY_ACTIONS as readonly unknown[]).includes(v)) {
      throw new PandalchemyError(
        'invalid_argument',
        `${what} is ${describeValue(v)}: use one of ${FOREIGN_KEY_ACTIONS.map((a) => `'${a}'`).join(', ')}.`,
        context,
      );
    }
    return v as ForeignKeyAction;
  };
  const unique = listOf(options.unique, 'unique').map((u) => columnsOf(u, 'A UNIQUE constraint'));
  const checks: CheckDefinition[] = listOf(options.checks, 'checks').map((expression) => ({
    column: null,
    expression: checkExpression(expression, context),
  }));
  for (const [column, expression] of Object.entries(options.columnChecks ?? {})) {
    // Left undefined: no CHECK, as an option left undefined is its default.
    if (expression === undefined) continue;
    columnsOf(column, 'columnChecks');
    checks.push({ column, expression: checkExpression(expression, { table, column }) });
  }
  const foreignKeys: ForeignKeyDefinition[] = listOf(options.foreignKeys, 'foreignKeys').map(
    (fk) => {
      if (typeof fk !== 'object' || fk === null) {
        throw new PandalchemyError(
          'invalid_argument',
          `A foreign key is { columns, references, to?, onDelete?, onUpdate? }; got ${describeValue(fk)}.`,
          context,
        );
      }
      const columns = columnsOf(fk.columns, 'A foreign key');
      const to = fk.to === undefined ? [] : typeof fk.to === 'string' ? [fk.to] : [...fk.to];
      to.forEach((c) => checkIdentifier(c, 'column'));
      if (to.length && to.length !== columns.length) {
        throw new PandalchemyError(
          'invalid_argument',
          `A foreign key over ${columns.length} column(s) references ${to.length}: give one referenced column per column.`,
          context,
        );
      }
      return {
        columns,
        references: checkIdentifier(fk.references, 'table'),
        to,
        onDelete: action(fk.onDelete, 'onDelete'),
        onUpdate: action(fk.onUpdate, 'onUpdate'),
      };
    },
  );
  const indexes = listOf(options.indexes, 'indexes').map((ix): CreateIndexStep => {
    if (typeof ix !== 'object' || ix === null) {
      throw new PandalchemyError(
        'invalid_argument',
        `An index is { name, columns, unique? }; got ${describeValue(ix)}.`,
        context,
      );
    }
    return {
      kind: 'createIndex',
      table,
      index: checkIdentifier(ix.name, 'index'),
      columns: columnsOf(ix.columns, `Index ${nameForMessage(String(ix.name))}`),
      unique: ix.unique === true,
    };
  });
  const seen = new Set<string>();
  for (const ix of indexes) {
    if (seen.has(identifierKey(ix.index))) {
      throw new PandalchemyError(
        'name_taken',
        `Two indexes are named ${nameForMessage(ix.index)}: give each its own name.`,
        context,
      );
    }
    seen.add(identifierKey(ix.index));
  }
  return {
    table: {
      ...(unique.length ? { unique } : {}),
      ...(checks.length ? { checks } : {}),
      ...(foreignKeys.length ? { foreignKeys } : {}),
    },
    indexes,
  };
}
