import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnarData } from '../protocol/engine-api';
import { describeValue, isWellFormedText } from '../values/codec';
import { INT64_MAX, INT64_MIN, type SqlValue } from '../values/sql-value';
import { ExactStatement } from './exact-statement';
import { collect } from './read-table';
import type { SqlDatabase, SqlStatement } from './sqlite';
import { messageOf } from './sqlite-error';
import { asciiLower } from '../values/ascii-case';

/** Whitespace and comments before the first word of a statement. */
const LEAD = String.raw`^(?:\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*`;
const READ_ONLY_START = new RegExp(`${LEAD}(SELECT|WITH|VALUES)\\b`, 'i');
/** `PRAGMA [schema.]name`, then `= value`, `(argument)` or nothing. */
const PRAGMA = new RegExp(
  `${LEAD}PRAGMA\\s+(?:[\\w$]+\\s*\\.\\s*)?([A-Za-z_][\\w$]*)\\s*(=|\\(\\s*([^)]*?)\\s*\\))?`,
  'i',
);
/** SQLite's limit on a parameter's index (SQLITE_MAX_VARIABLE_NUMBER). */
const MAX_PARAMETERS = 32_766;

function invalidSql(message: string, sqliteMessage?: string): PandalchemyError {
  return new PandalchemyError('invalid_sql', message, sqliteMessage ? { sqliteMessage } : {});
}

/**
 * Runs one read-only statement with bound parameters. Anything that could write (an INSERT, a
 * PRAGMA that sets, a CTE feeding a DELETE, a second statement) is refused before it runs, and so
 * are parameters that do not fit it: a value of no SQL type, or more or fewer values than it has
 * parameters (SQLite would bind the missing ones as NULL without a word).
 */
export function runQuery(db: SqlDatabase, sql: string, params: readonly SqlValue[]): ColumnarData {
  const bad = (why: string, sqliteMessage?: string): never => {
    throw invalidSql(`query() runs one read-only SELECT: ${why}.`, sqliteMessage);
  };
  if (typeof sql !== 'string') bad(`the SQL is ${describeValue(sql)}, not text: pass its text`);
  if (!READ_ONLY_START.test(sql)) bad(startAdvice(sql));
  const values = checkParameters(params);
  let count = 0;
  try {
    for (const s of db.iterateStatements(sql)) {
      s.free();
      count++;
    }
  } catch (e) {
    bad(`it does not parse (${messageOf(e)}): fix its SQL`, messageOf(e));
  }
  if (count !== 1) bad(`it holds ${count} statements: use one query() per statement`);
  if (writes(db, sql))
    bad('it would write to the database. Use table edits and push() to change data');
  let stmt: SqlStatement | undefined;
  try {
    stmt = db.prepare(sql);
  } catch (e) {
    throw invalidSql(
      `SQLite cannot run the query: ${messageOf(e)}. Check its table and column names (db.tables() lists them).`,
      messageOf(e),
    );
  }
  // A BigInt parameter is bound as the integer it is, not as sql.js's text of it.
  const exact = new ExactStatement(db, sql, stmt);
  try {
    bindExactly(stmt, values);
    const run = exact.for(values);
    if (run !== stmt) run.bind(values);
    const names = uniqueNames(run.getColumnNames());
    const { values: columns, length } = collect(
      run,
      names.map(() => 'any'),
      null,
    );
    return { names, columns, length };
  } catch (e) {
    if (e instanceof PandalchemyError) throw e;
    throw invalidSql(
      `The query failed while it ran: ${messageOf(e)}. Check its SQL.`,
      messageOf(e),
    );
  } finally {
    exact.free();
  }
}

/** Why SQL that does not start with SELECT, WITH or VALUES is refused, and what works instead. */
function startAdvice(sql: string): string {
  const pragma = PRAGMA.exec(sql);
  if (!pragma) {
    return 'the SQL does not start with SELECT, WITH or VALUES. Use table edits and push() to change data';
  }
  const name = asciiLower(pragma[1]!);
  if (pragma[2] === '=') {
    return `PRAGMA ${name} = ... changes a setting, which a query never does: leave the connection's settings to the library`;
  }
  const arg = pragma[3];
  const form =
    arg === undefined || arg === ''
      ? `pragma_${name}`
      : `pragma_${name}('${unquote(arg).replaceAll("'", "''")}')`;
  return `it is a PRAGMA. Use SELECT * FROM ${form} to read it as a table`;
}

/** An SQL name or literal without its quotes. */
function unquote(text: string): string {
  const m = /^(['"`])([\s\S]*)\1$/.exec(text) ?? /^\[([\s\S]*)\]$/.exec(text);
  if (!m) return text;
  const inner = m.length === 3 ? m[2]! : m[1]!;
  const q = m.length === 3 ? m[1]! : '';
  return q ? inner.replaceAll(q + q, q) : inner;
}

/**
 * The parameters as sql.js binds them, refusing values of no SQL type with what to pass instead.
 * Booleans bind as 1 and 0, as the library stores them.
 */
function checkParameters(params: unknown): SqlValue[] {
  if (!Array.isArray(params)) {
    throw invalidSql(
      `query() takes its parameters as an array, one value per '?'; got ${describeValue(params)}. Pass an array such as [42].`,
    );
  }
  return params.map((v: unknown, i): SqlValue => {
    const bad = (why: string): never => {
      throw invalidSql(`Query parameter ${i + 1} is ${describeValue(v)}: ${why}.`);
    };
    if (v === null || typeof v === 'string' || v instanceof Uint8Array) {
      if (typeof v === 'string' && !isWellFormedText(v))
        bad('it holds a lone surrogate, which is not Unicode: fix the text');
      return v as SqlValue;
    }
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number') return v === v ? v : bad('NaN is no SQL value: pass null');
    if (typeof v === 'bigint') {
      return v >= INT64_MIN && v <= INT64_MAX ? v : bad('pass an integer from -2^63 to 2^63-1');
    }
    if (v === undefined) {
      throw invalidSql(`Query parameter ${i + 1} is undefined: pass null for NULL.`);
    }
    if (v instanceof Date)
      return bad("pass its text, such as '2024-01-31' or '2024-01-31 12:00:00'");
    return bad('pass a number, a BigInt, a string, a Uint8Array or null');
  });
}

/**
 * Binds the values, refusing more or fewer of them than the statement has parameters. A bind past
 * the last parameter fails (SQLITE_RANGE): binding one value more than given tells whether the
 * statement has more parameters.
 */
function bindExactly(stmt: SqlStatement, values: SqlValue[]): void {
  const fits = (n: number): boolean => {
    try {
      // Probes bind 0s: sql.js does not report a NULL bound out of range.
      stmt.bind(new Array<SqlValue>(n).fill(0));
      return true;
    } catch {
      return false;
    }
  };
  if (!fits(values.length) || fits(values.length + 1)) {
    let lo = 0;
    let hi = MAX_PARAMETERS;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    throw invalidSql(
      `The query has ${lo} parameter(s) and ${values.length} value(s) were given: pass one value per '?', in order.`,
    );
  }
  stmt.bind(values);
}

/** Whether the compiled program of a statement opens a write transaction or writes a b-tree. */
function writes(db: SqlDatabase, sql: string): boolean {
  const stmt = db.prepare(`EXPLAIN ${sql}`);
  try {
    while (stmt.step()) {
      const [, opcode, , p2] = stmt.get();
      if (opcode === 'Transaction' && p2 !== 0) return true;
      // Insert and Delete also fill ephemeral tables of plain SELECTs: only real b-trees count.
      if (opcode === 'OpenWrite' || opcode === 'VUpdate') return true;
    }
    return false;
  } finally {
    stmt.free();
  }
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 1; seen.has(name); i++) name = `${n}_${i}`;
    seen.add(name);
    return name;
  });
}
