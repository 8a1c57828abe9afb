import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { ColumnValues, DataStep, Guard } from '../../plan/execution-plan';
import { declaredTypeOf, kindOf, type ColumnKind } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import type {
  CompiledStatement,
  DataStepOptions,
  Dialect,
  Query,
  SchemaColumn,
  TableSchema,
} from '../dialect';
import { postgresFailureOf } from './postgres-failure';
import { postgresIntrospect } from './postgres-introspect';
import { noPrimaryKey, postgresSchemaStep } from './postgres-schema-steps';
import { retypeExpression } from './postgres-retype';
import { postgresTemporaryKeys, throughColumn } from './postgres-temporary-keys';
import { postgresLiteral, quotePostgresIdentifier as q } from './postgres-text';
import {
  checkValueForm,
  numericTextForm,
  fromPostgresText,
  postgresType,
  toPostgresValue,
  type PostgresValue,
} from './postgres-types';

/** Each column's kind, by name. */
function kindsOf(schema: TableSchema): Map<string, ColumnKind> {
  return new Map(schema.columns.map((c) => [c.name, c.kind]));
}

/** `"a" = $3 AND "b" = $4`: placeholders numbered from `first`. */
function keyPredicate(key: readonly string[], first: number): string {
  return key.map((k, j) => `${q(k)} = $${first + j}`).join(' AND ');
}

/**
 * A column read back as text in PostgreSQL's output syntax (bytes as they are), so that both
 * drivers give the same thing whatever their type parsers; `fromPostgresText` turns it into
 * stored form.
 */
export function readExpression(name: string, kind: ColumnKind): string {
  return kind === 'blob' ? q(name) : `${q(name)}::text`;
}

/**
 * Kinds whose PostgreSQL input reads more than SQLite's column holds as a value of the kind:
 * `date` takes '2020-01-01 10:00' (dropping the time) and 'today', `boolean` 'yes'. Values
 * written to or from them go as text, converted by {@link retypeExpression}'s rules.
 */
const LENIENT_INPUT: ReadonlySet<ColumnKind> = new Set(['date', 'datetime', 'boolean']);

/**
 * The kind a written value is bound as: the kind the step gives it (a writer that did not see
 * another's type change gives the old one), or its column's where the step gives none; text for
 * the kinds of {@link LENIENT_INPUT}, to or from.
 */
function bindingKind(written: ColumnKind, column: SchemaColumn | undefined): ColumnKind {
  if (!column || written === 'any' || column.kind === 'any') return written;
  return LENIENT_INPUT.has(written) || LENIENT_INPUT.has(column.kind) ? 'text' : written;
}

/**
 * The placeholder a written value takes: `$n` where it is bound as its column's kind; otherwise
 * the value read as the kind it is bound as and converted as a type change converts the column's
 * values ({@link retypeExpression}): what SQLite stores by the column's affinity ('1e3' written
 * as TEXT into an INTEGER column is 1000), or a refusal naming the value where SQLite would keep
 * one of another type ('abc' there, '2020-01-01 10:00' in a DATE column).
 */
function writePlaceholder(n: number, bound: ColumnKind, column: SchemaColumn | undefined): string {
  const p = `$${n}`;
  if (!column || bound === column.kind || bound === 'any' || column.kind === 'any') return p;
  // Of the column's kind (PostgreSQL casts it to the column's own type as it writes it).
  const type = postgresType(declaredTypeOf(column.kind), column.name);
  const from = postgresType(declaredTypeOf(bound), column.name);
  // Named as SQLite declares it, alike whether the column was introspected or previewed.
  const name = declaredTypeOf(column.kind);
  return `(${retypeExpression(`${p}::${from}`, bound, column.kind, type, name)})`;
}

/** The columns a step writes, each stored as it is bound where its column has the kind it is bound as. */
function writtenColumns(
  names: readonly string[],
  kinds: readonly ColumnKind[],
  columnOf: (name: string) => SchemaColumn | undefined,
): Written {
  return { names, stored: names.map((n, j) => columnOf(n)?.kind === kinds[j]) };
}

/** The kinds a step's values are bound as (see {@link bindingKind}). */
function writtenKinds(
  names: readonly string[],
  types: readonly string[],
  columnOf: (name: string) => SchemaColumn | undefined,
): ColumnKind[] {
  return names.map((n, j) => {
    const column = columnOf(n);
    const declared = types[j];
    return bindingKind(declared ? kindOf(declared) : (column?.kind ?? 'text'), column);
  });
}

/** The columns a step writes: their names, and whether each value goes in as it is bound. */
interface Written {
  readonly names: readonly string[];
  readonly stored: readonly boolean[];
}

/**
 * Binds row `i` of `columns`, each as the column of the same position's kind; `written`: the
 * columns a write goes into, for the check of the values stored as they are and the error that
 * refuses one (see `checkValueForm`).
 */
function bindRow(
  out: PostgresValue[],
  at: number,
  columns: readonly ColumnValues[],
  kinds: readonly ColumnKind[],
  i: number,
  written?: Written,
): void {
  for (let c = 0; c < columns.length; c++) {
    const kind = kinds[c] ?? 'text';
    const given = (columns[c]![i] ?? null) as SqlValue;
    const stored = written?.stored[c] ?? false;
    checkValueForm(kind, given, written?.names[c], stored);
    const value = stored ? numericTextForm(kind, given, written?.names[c]) : given;
    out[at + c] = toPostgresValue(kind, value);
  }
}

/** Rows a key read looks up per query (see {@link readByKey}). */
export const READ_CHUNK = 200;

/**
 * A query reading `columns` of the rows `keys` name, {@link READ_CHUNK} keys a run: one lookup
 * per key joined by UNION ALL, each tagged with its position. Each lookup compares a key column
 * with a parameter, so PostgreSQL types the parameter as the column (as a lookup of one row
 * would), whatever the column's declared type; an array of keys could only be typed in the SQL
 * text. The last run repeats its last key to keep one statement text for every run.
 */
function readByKey(
  schema: TableSchema,
  key: readonly string[],
  keys: readonly ColumnValues[],
  columns: readonly string[],
): Query<(readonly SqlValue[] | undefined)[], PostgresValue> {
  const kinds = kindsOf(schema);
  const columnKinds = columns.map((c) => kinds.get(c) ?? 'text');
  const keyKinds = key.map((k) => kinds.get(k) ?? 'text');
  const read = columns.map((c, j) => `, ${readExpression(c, columnKinds[j]!)}`).join('');
  const n = keys[0]?.length ?? 0;
  const size = Math.min(n, READ_CHUNK);
  const lookups: string[] = [];
  for (let b = 0; b < size; b++) {
    lookups.push(
      `SELECT ${b}${read} FROM ${q(schema.name)} WHERE ${keyPredicate(key, 1 + b * key.length)}`,
    );
  }
  return {
    sql: lookups.join(' UNION ALL '),
    runs: size ? Math.ceil(n / size) : 0,
    parameters(run) {
      const out = new Array<PostgresValue>(size * key.length);
      for (let b = 0; b < size; b++)
        bindRow(out, b * key.length, keys, keyKinds, Math.min(run * size + b, n - 1));
      return out;
    },
    read(answers) {
      const out = new Array<readonly SqlValue[] | undefined>(n).fill(undefined);
      answers.forEach((rows, run) => {
        for (const row of rows) {
          const i = run * size + Number(row[0]);
          if (i < n) out[i] = columns.map((_, j) => fromPostgresText(columnKinds[j]!, row[j + 1]));
        }
      });
      return out;
    },
  };
}

/**
 * The PostgreSQL dialect: statements with `$n` parameters and quoted identifiers, values bound as
 * text in PostgreSQL's input syntax (bytes as bytes), read back as text. Guards are read before
 * the data steps (see `applyPlan` in `pandalchemy/postgres`); a key swap goes through temporary
 * keys, which this dialect decides from the step.
 *
 * @example
 * ```ts
 * const [st] = postgresDialect.dataStep(step, schema, { guard: null, report: false });
 * await client.query(st.sql, st.parameters(0));
 * ```
 */
export const postgresDialect: Dialect<TableSchema, PostgresValue> = {
  name: 'postgres',

  quoteIdentifier: q,

  literal: postgresLiteral,

  transaction: {
    begin: [
      'BEGIN',
      // What the statements and the text they bind and read rely on, whatever the server's
      // defaults: literal backslashes, ISO dates, doubles printed exactly.
      'SET LOCAL standard_conforming_strings = on',
      "SET LOCAL datestyle = 'ISO, YMD'",
      'SET LOCAL extra_float_digits = 1',
      // Foreign keys declared DEFERRABLE (those this library creates are) are checked when the
      // push commits, as SQLite checks them.
      'SET CONSTRAINTS ALL DEFERRED',
    ],
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
  },

  introspect: postgresIntrospect,

  schemaStep: postgresSchemaStep,

  temporaryKeys: postgresTemporaryKeys,

  dataStep(step: DataStep, schema, options: DataStepOptions) {
    if (!schema.key.columns.length) throw noPrimaryKey(schema.name);
    if (options.guard) {
      // Guards are read before the data steps run (readGuard), never checked in a statement.
      throw new PandalchemyError('internal', 'The PostgreSQL dialect checks no guard inline.');
    }
    const kinds = kindsOf(schema);
    const kindList = (names: readonly string[]): ColumnKind[] =>
      names.map((n) => kinds.get(n) ?? 'text');
    const t = q(step.table);
    const returning = options.report ? schema.key.columns : [];
    const returningSql = returning.length ? ` RETURNING ${returning.map(q).join(', ')}` : '';
    const keyKinds = kindList(step.key);
    const columnOf = (name: string): SchemaColumn | undefined =>
      schema.columns.find((c) => c.name === name);
    switch (step.kind) {
      case 'delete':
        return [
          {
            sql: `DELETE FROM ${t} WHERE ${keyPredicate(step.key, 1)}${returningSql}`,
            rows: step.count,
            parameters(i) {
              const out = new Array<PostgresValue>(step.key.length);
              bindRow(out, 0, step.keys, keyKinds, i);
              return out;
            },
            expect: 'any',
            returning,
          },
        ];
      case 'insert': {
        const columnKinds = writtenKinds(step.columns, step.types, columnOf);
        const written = writtenColumns(step.columns, columnKinds, columnOf);
        const values = step.columns.map((c, j) =>
          writePlaceholder(j + 1, columnKinds[j]!, columnOf(c)),
        );
        const sql = step.columns.length
          ? `INSERT INTO ${t} (${step.columns.map(q).join(', ')}) VALUES (${values.join(', ')})`
          : `INSERT INTO ${t} DEFAULT VALUES`;
        return [
          {
            sql: sql + returningSql,
            rows: step.count,
            parameters(i) {
              const out = new Array<PostgresValue>(step.columns.length);
              bindRow(out, 0, step.values, columnKinds, i, written);
              return out;
            },
            expect: 'any',
            returning,
          },
        ];
      }
      case 'update': {
        const out: CompiledStatement<PostgresValue>[] = [];
        let keys = step.keys;
        const temps = options.temporaryKeys;
        if (temps) {
          // Every moved row first takes a free temporary key, then its new key from there: the
          // column it goes through is one the step sets, so the update below sets it again.
          const through = throughColumn(step);
          const column = step.key[through]!;
          const columnKind = kinds.get(column) ?? 'text';
          out.push({
            sql: `UPDATE ${t} SET ${q(column)} = $1 WHERE ${keyPredicate(step.key, 2)}`,
            rows: step.count,
            parameters(i) {
              const row = new Array<PostgresValue>(1 + step.key.length);
              row[0] = toPostgresValue(columnKind, temps[through]![i] ?? null);
              bindRow(row, 1, step.keys, keyKinds, i);
              return row;
            },
            expect: 'any',
            returning: [],
          });
          keys = temps;
        }
        const setKinds = writtenKinds(step.set, step.types, columnOf);
        const written = writtenColumns(step.set, setKinds, columnOf);
        const s = step.set.length;
        const set = step.set
          .map((c, j) => `${q(c)} = ${writePlaceholder(j + 1, setKinds[j]!, columnOf(c))}`)
          .join(', ');
        out.push({
          sql: `UPDATE ${t} SET ${set} WHERE ${keyPredicate(step.key, s + 1)}${returningSql}`,
          rows: step.count,
          parameters(i) {
            const row = new Array<PostgresValue>(s + step.key.length);
            bindRow(row, 0, step.values, setKinds, i, written);
            bindRow(row, s, keys, keyKinds, i);
            return row;
          },
          expect: 'any',
          returning,
        });
        return out;
      }
    }
  },

  readGuard(schema, guard: Guard) {
    return readByKey(schema, guard.key, guard.keys, guard.columns);
  },

  readRows(schema, columns, keys) {
    return readByKey(schema, schema.key.columns, keys, columns);
  },

  failureOf: postgresFailureOf,
};
