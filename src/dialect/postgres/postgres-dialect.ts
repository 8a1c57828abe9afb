import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { ColumnValues, DataStep, Guard, UpdateStep } from '../../plan/execution-plan';
import { declaredTypeOf, kindOf, type ColumnKind } from '../../values/column-kind';
import { INT64_MAX, type SqlValue } from '../../values/sql-value';
import type {
  CompiledStatement,
  DataStepOptions,
  Dialect,
  DialectFailure,
  Query,
  SchemaColumn,
  TableSchema,
} from '../dialect';
import { keyMovesOf, uniqueBlobs } from '../key-moves';
import type { PostgresColumn } from './postgres-column';
import { noPrimaryKey, postgresSchemaStep } from './postgres-schema-steps';
import { retypeExpression } from './postgres-retype';
import { postgresLiteral, quotePostgresIdentifier as q } from './postgres-text';
import {
  checkValueForm,
  fromPostgresText,
  kindOfPostgresType,
  postgresType,
  toPostgresValue,
  WrongTypeValue,
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
    const value = (columns[c]![i] ?? null) as SqlValue;
    checkValueForm(kind, value, written?.names[c], written?.stored[c] ?? false);
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
 * The key column a move through temporaries goes through: the first the step sets, so that the
 * step's own update sets it again (from its temporary to its new value) — as the SQLite engine
 * chooses.
 */
function throughColumn(step: UpdateStep): number {
  return step.key.findIndex((k) => step.set.includes(k));
}

const DAY_MS = 86_400_000;

/** The smallest whole number at least the value PostgreSQL printed (an integer or a numeric). */
function wholeAtLeast(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return BigInt(Math.ceil(Number(text)));
  const whole = BigInt(`${m[1]}${m[2]}`);
  const fraction = /[1-9]/.test(m[3] ?? '');
  return fraction && m[1] !== '-' ? whole + 1n : whole;
}

/** `-text` as PostgreSQL would print it. */
function negate(text: string): string {
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/** Free temporary values for one key column, from its largest and smallest stored value. */
function temporaries(
  kind: ColumnKind,
  n: number,
  max: string | null,
  min: string | null,
): SqlValue[] {
  const out = new Array<SqlValue>(n);
  switch (kind) {
    case 'integer':
    case 'numeric': {
      // Exact: a key past 2^53 read as a double would round onto a stored key.
      const top = wholeAtLeast(max ?? '0');
      const room = INT64_MAX - top > BigInt(n);
      const bottom = -wholeAtLeast(negate(min ?? '0'));
      for (let i = 0; i < n; i++) out[i] = room ? top + 1n + BigInt(i) : bottom - 1n - BigInt(i);
      return out;
    }
    case 'real': {
      // Doubles one apart above the largest key (or below the smallest), where they still differ.
      const top = Number(max ?? 0);
      const bottom = Number(min ?? 0);
      const up = Number.isFinite(top) && top + n + 1 !== top + n && Math.abs(top) < 2 ** 52;
      const down = Number.isFinite(bottom) && Math.abs(bottom) < 2 ** 52;
      if (!up && !down) {
        throw new PandalchemyError(
          'invalid_plan',
          'This push swaps REAL keys between rows, and the table holds keys so large (or infinite) that no free temporary key is left to move a row through. Nothing was written: change those keys in two pushes.',
        );
      }
      for (let i = 0; i < n; i++) out[i] = up ? Math.floor(top) + 1 + i : Math.ceil(bottom) - 1 - i;
      return out;
    }
    case 'date':
    case 'datetime': {
      const top = Date.parse(`${(max ?? '2000-01-01').slice(0, 10)}T00:00:00Z`);
      for (let i = 0; i < n; i++) {
        const iso = new Date(top + (i + 1) * DAY_MS).toISOString();
        out[i] = kind === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} 00:00:00`;
      }
      return out;
    }
    case 'blob':
      return uniqueBlobs(n);
    case 'boolean':
      throw new PandalchemyError(
        'invalid_plan',
        'This push swaps the values of a BOOLEAN key column between rows, which PostgreSQL cannot do row by row (there is no third value to move a row through). Nothing was written: change those keys in two pushes.',
      );
    default: {
      const salt = Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) =>
        b.toString(36),
      ).join('');
      for (let i = 0; i < n; i++) out[i] = `\u0001pandalchemy:${salt}:${i}`;
      return out;
    }
  }
}

/** PostgreSQL error fields, as node-postgres and PGlite both give them. */
interface PostgresErrorFields {
  readonly code: string;
  readonly message: string;
  readonly constraint?: string;
  readonly column?: string;
  readonly table?: string;
  readonly detail?: string;
}

function isPostgresError(e: unknown): e is PostgresErrorFields {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as { code: string }).code) &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

const FAILURE_KINDS: Record<string, DialectFailure['kind']> = {
  '23505': 'unique',
  '23502': 'notNull',
  '23503': 'foreignKey',
  '23514': 'check',
};

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

  introspect(table) {
    return {
      sql: `SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
  coalesce((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
    WHERE k.attnum = a.attnum), 0)::text,
  (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')::text,
  CASE WHEN a.attidentity = '' THEN pg_get_expr(d.adbin, d.adrelid) END
FROM pg_attribute a
LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass(quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`,
      runs: 1,
      parameters: () => [table],
      read(answers) {
        const rows = answers[0] ?? [];
        if (!rows.length) return null;
        let autoAssigned = false;
        const columns: PostgresColumn[] = rows.map((r) => {
          const primaryKey = Number(r[3]);
          if (primaryKey > 0 && String(r[4]) === 'true') autoAssigned = true;
          return {
            name: String(r[0]),
            declaredType: String(r[1]),
            kind: kindOfPostgresType(String(r[1])),
            notNull: String(r[2]) === 'true',
            primaryKey,
            defaultSql: r[5] == null ? null : String(r[5]),
          };
        });
        const key = columns
          .filter((c) => c.primaryKey > 0)
          .sort((a, b) => a.primaryKey - b.primaryKey)
          .map((c) => c.name);
        return {
          name: table,
          columns,
          key: { kind: 'primary', columns: key, autoAssigned: autoAssigned && key.length === 1 },
        };
      },
    };
  },

  schemaStep: postgresSchemaStep,

  temporaryKeys(step, schema) {
    if (keyMovesOf(step) !== 'viaTemporary') return null;
    const through = throughColumn(step);
    const column = step.key[through]!;
    const kind = kindsOf(schema).get(column) ?? 'text';
    const k = q(column);
    return {
      sql: `SELECT max(${k})::text, min(${k})::text FROM ${q(step.table)}`,
      runs: 1,
      parameters: () => [],
      read(answers) {
        const row = answers[0]?.[0];
        const max = row?.[0] == null ? null : String(row[0]);
        const min = row?.[1] == null ? null : String(row[1]);
        const temps = temporaries(kind, step.count, max, min);
        // Unique in that column, so unique as keys whatever the other columns hold.
        return step.keys.map((old, j) => (j === through ? temps : old));
      },
    };
  },

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

  failureOf(error) {
    if (error instanceof WrongTypeValue)
      return {
        kind: 'type',
        message: error.message,
        ...(error.column !== undefined ? { column: error.column } : {}),
      };
    if (!isPostgresError(error)) return null;
    const kind = FAILURE_KINDS[error.code] ?? (error.code.startsWith('22') ? 'type' : 'other');
    return {
      kind,
      message: error.detail ? `${error.message} (${error.detail})` : error.message,
      ...(error.constraint ? { constraint: error.constraint } : {}),
      ...(error.column ? { column: error.column } : {}),
    };
  },
};
