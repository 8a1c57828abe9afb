import * as aq from 'arquero';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PandalchemyError,
  openDatabase,
  quoteIdentifier as q,
  type Database,
  type DatabaseTable,
  type ErrorCode,
  type ExecutionPlan,
  type PlanPass,
} from '../../src/index';
import { PLAN_VERSION } from '../../src/plan/execution-plan';

// Bad input across the whole public API. Every refused input must give a typed error with a stable
// code and a message that says what to do, and change nothing: not the tracked table (pending
// edits included), not the database, not what is stored. Hostile names and values that are valid
// must be stored verbatim, with exactly the schema that was asked for.

/** A fresh database holding table `items` (every kind of column) with pending edits. */
interface Ctx {
  readonly name: string;
  readonly db: Database;
  readonly t: DatabaseTable;
}

/** An input that must be refused with `code` (and a message that `says` what is wrong). */
interface Refused {
  readonly name: string;
  readonly act: (ctx: Ctx) => unknown;
  readonly code: ErrorCode;
  readonly says?: RegExp;
}

/** A hostile input that is valid: `act` does it and asserts what was stored. */
interface Accepted {
  readonly name: string;
  readonly act: (ctx: Ctx) => Promise<void>;
}

// Cases run three at a time beside other test files: on a busy machine a worker may take longer
// than the default 20 s to start, which is not what these tests are about.
const SLOW_MACHINE = { startTimeoutMs: 120_000 };

const day = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d));

async function setup(): Promise<Ctx> {
  const name = `bad-input-${crypto.randomUUID()}`;
  const db = await openDatabase(name, SLOW_MACHINE);
  const t = await db.createTable(
    'items',
    aq.table({
      id: [1, 2, 3],
      name: ['Ada', 'Grace', 'Linus'],
      zip: ['04567', '10001', '94107'],
      score: [1.5, 2.5, null],
      n: [10, 20, 30],
      day: [day(2024, 1, 1), day(2024, 2, 29), null],
      at: [new Date('2024-01-01T10:00:00Z'), null, new Date('2024-03-01T00:00:00.5Z')],
      ok: [true, false, null],
      data: [new Uint8Array([0, 1, 255]), null, new Uint8Array([])],
    }),
    { primaryKey: 'id', notNull: ['name'], types: { day: 'DATE' } },
  );
  // Pending edits that every refused input must leave alone.
  t.set(3, 'name', 'pending').insert({ id: 4, name: 'new', zip: '00001' });
  return { name, db, t };
}

/** A stable text form of any value: BigInt, bytes, dates, NaN, ±Infinity and -0 included. */
function text(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (typeof raw === 'bigint') return `${raw}n`;
    if (raw instanceof Date) return `D${raw.getTime()}`;
    if (raw instanceof Uint8Array)
      return `x${[...raw].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    if (typeof raw === 'number' && !Number.isFinite(raw)) return String(raw);
    if (Object.is(raw, -0)) return '-0';
    return v;
  });
}

/** Everything a user can see of a tracked table. */
function tableState(t: DatabaseTable): string {
  return text({
    counts: t.changeCounts(),
    operations: t.operations().length,
    columns: t.columns,
    rows: t.table().objects(),
    changes: t.changes(),
  });
}

/** Every schema object and every row (rowids included) of a database. */
async function dump(db: Database): Promise<string> {
  const schema = (
    await db.query('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name')
  ).objects() as { type: string; name: string }[];
  const out = [text(schema)];
  for (const s of schema) {
    if (s.type !== 'table') continue;
    const rows = await db.query(`SELECT rowid AS "rowid:", * FROM ${q(s.name)} ORDER BY rowid`);
    out.push(text(rows.objects()));
  }
  return out.join('\n');
}

/** What is stored under a name, read by a second database on it. */
async function storedDump(name: string): Promise<string> {
  const db = await openDatabase(name, SLOW_MACHINE);
  try {
    return await dump(db);
  } finally {
    await db.close();
  }
}

/** Table names and their columns, in order. */
async function schemaOf(db: Database): Promise<Record<string, string[]>> {
  const tables = (
    await db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
  ).objects() as { name: string }[];
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const cols = await db.query('SELECT name FROM pragma_table_info(?) ORDER BY cid', [name]);
    out[name] = cols.array('name') as string[];
  }
  return out;
}

const ITEMS = ['id', 'name', 'zip', 'score', 'n', 'day', 'at', 'ok', 'data'];

async function errorOf(act: () => unknown): Promise<unknown> {
  try {
    await act();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A message that says what to do (or, for files, what is wrong and that nothing changed). */
const ADVICE =
  /\b(use|give|choose|fix|check|pass|return|write|open|keep|leave|rename|add|drop|set|list|build|close)\b|its columns are|it has|Nothing changed/i;

const setVersion =
  (version: number): PlanPass =>
  (plan) =>
    ({ ...plan, version }) as unknown as ExecutionPlan;
const mapSteps =
  (f: (step: Record<string, unknown>) => unknown): PlanPass =>
  (plan) =>
    ({ ...plan, steps: plan.steps.map((s) => f({ ...s })) }) as unknown as ExecutionPlan;

const LONE_SURROGATE = 'bad \uD800 text';
const HOSTILE = `x"; DROP TABLE items; --`;

const refused: Refused[] = [
  // ---- wrong value types -----------------------------------------------------------------------
  {
    name: 'text into a REAL column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'score', 'high'),
  },
  {
    name: 'a number into a TEXT column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'zip', 4567),
  },
  {
    name: 'an object into a TEXT column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'name', { first: 'Ada' }),
    says: /an object \{ first \}/,
  },
  {
    name: 'a boolean into an INTEGER column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'n', true),
    says: /boolean true .*pass 1 or 0/,
  },
  {
    name: 'a function into a REAL column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'score', () => 1),
    says: /a function cannot go into real column 'score'/,
  },
  {
    name: 'an Int32Array into a BLOB column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'data', new Int32Array(2)),
    says: /an? Int32Array of 8 bytes .*Uint8Array/,
  },
  {
    name: 'a fraction into an INTEGER column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'n', 1.5),
  },
  { name: '2 into a BOOLEAN column', code: 'invalid_value', act: ({ t }) => t.set(1, 'ok', 2) },
  {
    name: 'text into a BLOB column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'data', 'bytes'),
  },
  {
    name: 'a lone surrogate (not Unicode) into a TEXT column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'name', LONE_SURROGATE),
  },
  {
    name: 'a lone surrogate through a whole-table transform',
    code: 'invalid_value',
    act: ({ t }) => t.transform((x) => x.derive({ zip: aq.escape(() => LONE_SURROGATE) })),
  },
  {
    name: 'one bad value among good ones in setCells',
    code: 'invalid_value',
    act: ({ t }) =>
      t.setCells([
        { key: 1, column: 'name', value: 'fine' },
        { key: 2, column: 'score', value: 'bad' },
      ]),
  },
  {
    name: 'a bad value in the second row of an insert',
    code: 'invalid_value',
    act: ({ t }) =>
      t.insert([
        { id: 10, name: 'fine' },
        { id: 11, name: 'bad', n: 'eleven' },
      ]),
  },
  {
    name: 'a wrong type in updateWhere',
    code: 'invalid_value',
    act: ({ t }) => t.updateWhere((d: { id: number }) => d.id > 1, { n: 'many' }),
  },
  {
    name: 'a wrong type in upsert',
    code: 'invalid_value',
    act: ({ t }) => t.upsert({ id: 1, ok: 'yes' }),
  },
  {
    name: 'an expression computing text for a REAL column',
    code: 'invalid_value',
    act: ({ t }) => t.assign('score', () => 'x'),
  },
  {
    name: 'a type change that existing values cannot take',
    code: 'invalid_value',
    act: ({ t }) => t.retypeColumn('name', 'INTEGER'),
  },
  // ---- NaN, Infinity, integers past 64 bits -----------------------------------------------------
  { name: 'NaN into a REAL column', code: 'invalid_value', act: ({ t }) => t.set(1, 'score', NaN) },
  {
    name: 'Infinity into an INTEGER column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'n', Infinity),
  },
  { name: 'NaN as a key', code: 'invalid_value', act: ({ t }) => t.set(NaN, 'name', 'x') },
  { name: '2^64 as a BigInt', code: 'invalid_value', act: ({ t }) => t.set(1, 'n', 2n ** 64n) },
  { name: '2^64 as a number', code: 'invalid_value', act: ({ t }) => t.set(1, 'n', 2 ** 64) },
  { name: '-2^63 - 1', code: 'invalid_value', act: ({ t }) => t.set(1, 'n', -(2n ** 63n) - 1n) },
  {
    name: 'a BigInt that no double holds, into REAL',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'score', 2n ** 60n + 1n),
  },
  // ---- invalid dates ---------------------------------------------------------------------------
  {
    name: 'an Invalid Date',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'day', new Date(NaN)),
  },
  {
    name: "'2024-02-30'",
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'day', '2024-02-30'),
    says: /the date 2024-02-30 does not exist \(that month has 29 days\)/,
  },
  {
    name: "'2023-13-01' as a DATE",
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'day', '2023-13-01'),
    says: /month 13 does not exist/,
  },
  {
    name: "'2024-01-01 24:00:00' as a DATETIME",
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'at', '2024-01-01 24:00:00'),
    says: /the time 24:00:00 does not exist/,
  },
  {
    name: 'a DATE that is not a calendar day',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'day', new Date(Date.UTC(2024, 0, 1, 5))),
  },
  {
    name: 'year 10000 in a DATETIME column',
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'at', day(10000, 1, 1)),
  },
  {
    name: "'yesterday' as a DATETIME",
    code: 'invalid_value',
    act: ({ t }) => t.set(1, 'at', 'yesterday'),
  },
  // ---- NULL and duplicate keys, unknown rows -----------------------------------------------------
  { name: 'a key set to NULL', code: 'null_key', act: ({ t }) => t.set(1, 'id', null) },
  {
    name: 'a NULL key to look a row up',
    code: 'null_key',
    act: ({ t }) => t.set(null, 'name', 'x'),
  },
  {
    name: 'an insert of an existing key',
    code: 'duplicate_key',
    act: ({ t }) => t.insert({ id: 2, name: 'dup' }),
  },
  {
    name: 'a key changed onto another row',
    code: 'duplicate_key',
    act: ({ t }) => t.set(1, 'id', 2),
  },
  {
    name: 'a transform that duplicates a row',
    code: 'duplicate_key',
    act: ({ t }) => t.transform((x) => x.concat(x.filter((d: { id: number }) => d.id === 1))),
  },
  { name: 'an unknown key', code: 'row_not_found', act: ({ t }) => t.set(99, 'name', 'x') },
  {
    name: 'an unknown key among known ones in delete',
    code: 'row_not_found',
    act: ({ t }) => t.delete([1, 99]),
  },
  {
    name: 'a key of two values for a one-column key',
    code: 'invalid_argument',
    act: ({ t }) => t.delete([[1, 2]]),
  },
  { name: 'NULL in a NOT NULL column', code: 'not_null', act: ({ t }) => t.set(1, 'name', null) },
  {
    name: 'an insert without a NOT NULL column',
    code: 'not_null',
    act: ({ t }) => t.insert({ id: 9 }),
  },
  // ---- unknown tables and columns -----------------------------------------------------------------
  { name: 'an unknown column', code: 'unknown_column', act: ({ t }) => t.set(1, 'nope', 1) },
  {
    name: 'an unknown column in update',
    code: 'unknown_column',
    act: ({ t }) => t.update(1, { name: 'x', nope: 1 }),
  },
  {
    name: 'an unknown column in insert',
    code: 'unknown_column',
    act: ({ t }) => t.insert({ id: 9, name: 'x', nope: 1 }),
  },
  {
    name: 'a condition reading an unknown column',
    code: 'unknown_column',
    act: ({ t }) => t.deleteWhere((d: { nope: number }) => d.nope > 1),
  },
  { name: 'an unknown table', code: 'unknown_table', act: ({ db }) => db.table('nope') },
  {
    name: 'dropping a hostile unknown table',
    code: 'unknown_table',
    act: ({ db }) => db.dropTable(HOSTILE),
  },
  // ---- identifiers: empty, NUL, too long, not Unicode, reserved, taken ---------------------------
  {
    name: 'an empty column name',
    code: 'invalid_identifier',
    act: ({ t }) => t.addColumn('', { type: 'TEXT' }),
  },
  {
    name: 'a column name with NUL',
    code: 'invalid_identifier',
    act: ({ t }) => t.addColumn('a\0b', { type: 'TEXT' }),
  },
  {
    name: 'a column name of 100 000 characters (the message stays short)',
    code: 'invalid_identifier',
    act: ({ t }) => t.addColumn('x'.repeat(100_000), { type: 'TEXT' }),
  },
  {
    name: 'a column name with a lone surrogate',
    code: 'invalid_identifier',
    act: ({ t }) => t.addColumn('c\uDC00', { type: 'TEXT' }),
  },
  {
    name: 'renaming a column to an empty name',
    code: 'invalid_identifier',
    act: ({ t }) => t.renameColumn('zip', ''),
  },
  {
    name: "a table name with SQLite's prefix",
    code: 'invalid_identifier',
    act: ({ db }) => db.createTable('sqlite_master', aq.table({ a: [1] })),
  },
  {
    name: 'an empty table name',
    code: 'invalid_identifier',
    act: ({ db }) => db.createTable('', aq.table({ a: [1] })),
  },
  {
    name: 'adding an existing column',
    code: 'name_taken',
    act: ({ t }) => t.addColumn('zip', { type: 'TEXT' }),
  },
  {
    name: 'adding a column whose name differs only in case (SQLite ignores ASCII case)',
    code: 'name_taken',
    act: ({ t }) => t.addColumn('NAME', { type: 'TEXT' }),
  },
  {
    name: 'renaming onto a name that differs only in case',
    code: 'name_taken',
    act: ({ t }) => t.renameColumn('zip', 'Name'),
  },
  {
    name: 'assigning a new column whose name differs only in case',
    code: 'name_taken',
    act: ({ t }) => t.assign('ZIP', ['a', 'b', 'c', 'd']),
  },
  {
    name: 'creating an existing table',
    code: 'name_taken',
    act: ({ db }) => db.createTable('items', aq.table({ a: [1] })),
  },
  {
    name: 'creating a table with columns a and A',
    code: 'name_taken',
    act: ({ db }) => db.createTable('x', aq.table({ a: [1], A: [2] })),
  },
  {
    name: 'a CSV header naming a column twice',
    code: 'name_taken',
    act: ({ db }) => db.createTable('x', { csv: 'a,b,a\n1,2,3\n' }),
  },
  // ---- SQL where only a name or a type may go -----------------------------------------------------
  {
    name: 'a column type that is SQL',
    code: 'invalid_argument',
    act: ({ t }) => t.addColumn('x', { type: 'INT); DROP TABLE items; --' }),
  },
  {
    name: 'a declared type that is SQL in createTable',
    code: 'invalid_argument',
    act: ({ db }) =>
      db.createTable('x', aq.table({ a: [1] }), { types: { a: 'TEXT; DROP TABLE items' } }),
  },
  {
    name: 'a DEFAULT text holding NUL (DEFAULT is SQL text)',
    code: 'invalid_value',
    act: ({ t }) => t.addColumn('x', { type: 'TEXT', default: "a\0'); DROP TABLE items; --" }),
  },
  // ---- schema edits that break row identity or SQLite's rules ----------------------------------------
  { name: 'dropping the key column', code: 'key_column', act: ({ t }) => t.dropColumn('id') },
  {
    name: 'retyping the key column',
    code: 'key_column',
    act: ({ t }) => t.retypeColumn('id', 'TEXT'),
  },
  {
    name: 'a NOT NULL column without default',
    code: 'invalid_argument',
    act: ({ t }) => t.addColumn('x', { type: 'TEXT', notNull: true }),
  },
  {
    name: "an unknown retype option { invalid: 'drop' }",
    code: 'invalid_argument',
    act: ({ t }) => t.retypeColumn('zip', 'INTEGER', { invalid: 'drop' as never }),
  },
  // ---- arguments of the wrong shape --------------------------------------------------------------
  { name: 'insert(null)', code: 'invalid_argument', act: ({ t }) => t.insert(null as never) },
  {
    name: 'update(key, null)',
    code: 'invalid_argument',
    act: ({ t }) => t.update(1, null as never),
  },
  {
    name: 'addColumn(name, null)',
    code: 'invalid_argument',
    act: ({ t }) => t.addColumn('x', null as never),
  },
  {
    name: 'a column of the wrong length',
    code: 'invalid_argument',
    act: ({ t }) => t.assign('score', [1, 2]),
  },
  {
    name: 'a number as a row condition',
    code: 'invalid_argument',
    act: ({ t }) => t.deleteWhere(42 as never),
  },
  {
    name: 'a row condition that does not parse',
    code: 'invalid_argument',
    act: ({ t }) => t.deleteWhere('d.id >'),
  },
  {
    name: 'a transform that drops the key',
    code: 'invalid_transform',
    act: ({ t }) => t.transform((x) => x.select('name')),
  },
  {
    name: 'a transform that returns no table',
    code: 'invalid_transform',
    act: ({ t }) => t.transform(() => ({}) as never),
  },
  {
    name: "an unknown event 'changes'",
    code: 'invalid_argument',
    act: ({ db }) => db.on('changes' as never, () => undefined),
  },
  {
    name: 'openDatabase with an empty name',
    code: 'invalid_argument',
    act: () => openDatabase(''),
  },
  // ---- createTable sources: ragged, malformed, corrupt, duplicate keys ----------------------------
  {
    name: 'ragged CSV',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { csv: 'a,b\n1,2\n3\n4,5\n' }),
  },
  {
    name: 'CSV ending inside quotes',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { csv: 'a,b\n"open,2\n' }),
  },
  {
    name: 'empty CSV',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { csv: '' }),
  },
  {
    name: 'JSON that does not parse',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { json: '[{"a": 1},' }),
  },
  {
    name: 'JSON that is not rows or columns',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { json: '42' }),
  },
  {
    name: 'corrupt Arrow bytes',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', { arrow: new Uint8Array([1, 2, 3, 4]) }),
  },
  {
    name: 'a null source',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', null as never),
  },
  {
    name: 'source rows that share a key',
    code: 'duplicate_key',
    act: ({ db }) =>
      db.createTable('x', aq.table({ id: [1, 2, 1], v: ['a', 'b', 'c'] }), { primaryKey: 'id' }),
  },
  {
    name: 'a NULL in a TEXT key of the source',
    code: 'null_key',
    act: ({ db }) => db.createTable('x', aq.table({ id: ['a', null] }), { primaryKey: 'id' }),
  },
  {
    name: 'a BigInt past 64 bits in the source',
    code: 'invalid_value',
    act: ({ db }) => db.createTable('x', aq.table({ v: [1n, 2n ** 64n] })),
  },
  {
    name: 'NaN in the source',
    code: 'invalid_value',
    act: ({ db }) => db.createTable('x', aq.table({ v: [1.5, NaN] })),
  },
  {
    name: 'a source column of numbers and text',
    code: 'invalid_argument',
    act: ({ db }) => db.createTable('x', aq.table({ v: [1, 'a'] })),
  },
  {
    name: 'a primary key that is not a column',
    code: 'unknown_column',
    act: ({ db }) => db.createTable('x', aq.table({ a: [1] }), { primaryKey: 'id' }),
  },
  {
    name: 'a type for an unknown column',
    code: 'unknown_column',
    act: ({ db }) => db.createTable('x', aq.table({ a: [1] }), { types: { b: 'TEXT' } }),
  },
  {
    name: 'NOT NULL for an unknown column',
    code: 'unknown_column',
    act: ({ db }) => db.createTable('x', aq.table({ a: [1] }), { notNull: ['b'] }),
  },
  {
    name: 'a default of the wrong type',
    code: 'invalid_value',
    act: ({ db }) => db.createTable('x', aq.table({ a: [1] }), { defaults: { a: 'one' } }),
  },
  {
    name: 'AUTOINCREMENT on a TEXT key',
    code: 'invalid_argument',
    act: ({ db }) =>
      db.createTable('x', aq.table({ k: ['a'] }), { primaryKey: 'k', autoIncrement: true }),
  },
  // ---- plans ----------------------------------------------------------------------------------------
  {
    name: 'a plan of a later version (db.push)',
    code: 'invalid_plan',
    act: ({ db }) => db.push({ passes: [setVersion(PLAN_VERSION + 1)] }),
  },
  {
    name: 'a plan of a later version (table.push)',
    code: 'invalid_plan',
    act: ({ t }) => t.push({ passes: [setVersion(PLAN_VERSION + 1)] }),
  },
  {
    name: 'a plan of version 1, whose data steps carry no column types',
    code: 'invalid_plan',
    act: ({ t }) => t.push({ passes: [setVersion(1)] }),
  },
  {
    name: 'a plan without steps',
    code: 'invalid_plan',
    act: ({ db }) =>
      db.push({
        passes: [(p) => ({ ...p, steps: 'DROP TABLE items' }) as unknown as ExecutionPlan],
      }),
  },
  {
    name: 'a plan step of an unknown kind',
    code: 'invalid_plan',
    act: ({ db }) =>
      db.push({ passes: [mapSteps((s) => ({ ...s, kind: 'sql', sql: 'DROP TABLE items' }))] }),
  },
  {
    name: 'a plan step whose count lies',
    code: 'invalid_plan',
    act: ({ db }) => db.push({ passes: [mapSteps((s) => ({ ...s, count: 1000 }))] }),
  },
  // ---- queries --------------------------------------------------------------------------------------
  {
    name: 'a query that writes',
    code: 'invalid_sql',
    act: ({ db }) => db.query('DELETE FROM items'),
  },
  {
    name: 'a query with a second statement',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT 1; DROP TABLE items'),
  },
  {
    name: 'a write hidden in a CTE',
    code: 'invalid_sql',
    act: ({ db }) => db.query('WITH x AS (SELECT 1) DELETE FROM items'),
  },
  {
    name: 'a query that does not parse',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT FROM WHERE'),
    says: /syntax error/,
  },
  {
    name: 'a query naming an unknown column',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT nope FROM items'),
    says: /no such column: nope/,
  },
  {
    name: 'a PRAGMA as a query',
    code: 'invalid_sql',
    act: ({ db }) => db.query('PRAGMA table_info(items)'),
    says: /SELECT \* FROM pragma_table_info\('items'\)/,
  },
  {
    name: 'a PRAGMA that sets',
    code: 'invalid_sql',
    act: ({ db }) => db.query('pragma foreign_keys = OFF'),
    says: /changes a setting/,
  },
  {
    name: 'a parameter of no SQL type',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT ?', [{} as never]),
    says: /parameter 1 is an empty object/,
  },
  {
    name: 'an undefined parameter',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT ?', [undefined as never]),
    says: /pass null/,
  },
  {
    name: 'fewer parameters than the query has',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT * FROM items WHERE id = ? AND name = ?', [1]),
    says: /has 2 parameter\(s\) and 1 value\(s\)/,
  },
  {
    name: 'more parameters than the query has',
    code: 'invalid_sql',
    act: ({ db }) => db.query('SELECT * FROM items WHERE id = ?', [1, 2]),
    says: /has 1 parameter\(s\) and 2 value\(s\)/,
  },
  // ---- files ----------------------------------------------------------------------------------------
  {
    name: 'a file that is not SQLite',
    code: 'not_sqlite',
    act: ({ db }) => db.import(new TextEncoder().encode('id,name\n1,Ada\n'.repeat(20))),
  },
  { name: 'an empty file', code: 'not_sqlite', act: ({ db }) => db.import(new Uint8Array(0)) },
  {
    name: 'a truncated SQLite file',
    code: 'corrupt',
    act: async ({ db }) => {
      const bytes = await db.export();
      return db.import(bytes.slice(0, Math.floor(bytes.length / 2)));
    },
  },
  {
    name: 'the SQLite header alone',
    code: 'corrupt',
    act: async ({ db }) => db.import((await db.export()).slice(0, 100)),
  },
  {
    name: 'an SQLite file with scrambled pages',
    code: 'corrupt',
    act: async ({ db }) => {
      const bytes = await db.export();
      for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7) & 255;
      return db.import(bytes);
    },
  },
  // ---- calls after close ----------------------------------------------------------------------------
  ...(
    [
      ['query', (db) => db.query('SELECT 1')],
      ['push', (db) => db.push()],
      ['table', (db) => db.table('items')],
      ['createTable', (db) => db.createTable('x', aq.table({ a: [1] }))],
      ['import', (db) => db.import(new Uint8Array(100))],
      ['export', (db) => db.export()],
      ['dropTable', (db) => db.dropTable('items')],
    ] as const satisfies readonly [string, (db: Database) => unknown][]
  ).map(([method, call]): Refused => ({
    name: `${method}() after close`,
    code: 'closed',
    act: async ({ db }) => {
      await db.close();
      return call(db);
    },
  })),
  {
    name: 'a table push after close',
    code: 'closed',
    act: async ({ db, t }) => {
      await db.close();
      return t.push();
    },
  },
];

/** Asserts the stored rows of `items` by id, as the database holds them. */
async function stored(db: Database, column: string, ids: number[]): Promise<unknown[]> {
  const rows = await db.query(
    `SELECT ${q(column)} AS v FROM items WHERE id IN (${ids.join(',')}) ORDER BY id`,
  );
  return rows.array('v') as unknown[];
}

const accepted: Accepted[] = [
  {
    name: 'a column named like an injection, with a default that is SQL',
    act: async ({ db, t }) => {
      t.addColumn(HOSTILE, { type: 'TEXT', default: "'); DROP TABLE items; --" });
      await t.push();
      expect(await schemaOf(db)).toEqual({ items: [...ITEMS, HOSTILE] });
      expect(await stored(db, HOSTILE, [1, 2, 3, 4])).toEqual(
        Array(4).fill("'); DROP TABLE items; --"),
      );
    },
  },
  {
    name: 'a table and columns named with quotes, brackets, backticks and semicolons',
    act: async ({ db }) => {
      const names = ['[a]', '`b`', 'c;d', "e'f", 'g"h', ' '];
      const table = `t"; DROP TABLE items; --`;
      await db.createTable(
        table,
        aq.table(Object.fromEntries(names.map((n, i) => [n, [`v${i}`]]))),
      );
      expect(await schemaOf(db)).toEqual({ items: ITEMS, [table]: names });
      const rows = (await db.query(`SELECT * FROM ${q(table)}`)).objects();
      expect(rows).toEqual([Object.fromEntries(names.map((n, i) => [n, `v${i}`]))]);
    },
  },
  {
    name: 'unicode names, and names that differ in non-ASCII case only',
    act: async ({ db, t }) => {
      t.addColumn('名前 🎉', { type: 'TEXT', default: 'ok' });
      t.addColumn('é', { type: 'INTEGER', default: 1 });
      t.addColumn('É', { type: 'INTEGER', default: 2 });
      t.renameColumn('zip', 'Zíp\u0301');
      await t.push();
      await db.createTable('données 📦', aq.table({ ß: ['straße'] }));
      expect(await schemaOf(db)).toEqual({
        items: ['id', 'name', 'Zíp\u0301', ...ITEMS.slice(3), '名前 🎉', 'é', 'É'],
        'données 📦': ['ß'],
      });
      expect(await stored(db, 'É', [1])).toEqual([2]);
    },
  },
  {
    name: 'renaming a column to a hostile name, and to itself in another case',
    act: async ({ db, t }) => {
      t.renameColumn('name', ']"; DROP TABLE items; --[');
      t.renameColumn('zip', 'ZIP');
      await t.push();
      expect(await schemaOf(db)).toEqual({
        items: ['id', ']"; DROP TABLE items; --[', 'ZIP', ...ITEMS.slice(3)],
      });
    },
  },
  {
    name: 'values that are SQL, quotes, NUL, emoji and combining marks',
    act: async ({ db, t }) => {
      const values = ["Robert'); DROP TABLE items;--", '"; --', 'a\0b', '𝔘𝔫𝔦 👩‍👩‍👧 e\u0301'];
      values.forEach((v, i) => t.set(i + 1, 'name', v));
      await t.push();
      expect(await schemaOf(db)).toEqual({ items: ITEMS });
      expect(await stored(db, 'name', [1, 2, 3, 4])).toEqual(values);
      expect(values.map((_v, i) => t.get(i + 1, 'name'))).toEqual(values);
    },
  },
  {
    name: 'a 4 MB string and a 4 MB blob',
    act: async ({ db, t }) => {
      const big = 'x'.repeat(4 * 1024 * 1024 - 1) + '\u00e9';
      const blob = new Uint8Array(4 * 1024 * 1024).map((_v, i) => i % 251);
      t.update(1, { name: big, data: blob });
      await t.push();
      const [name] = await stored(db, 'name', [1]);
      const [data] = await stored(db, 'data', [1]);
      expect(name === big).toBe(true);
      expect(data).toEqual(blob);
    },
  },
  {
    name: '±Infinity and -0 in REAL, the 64-bit integer limits in INTEGER',
    act: async ({ db, t }) => {
      t.set(1, 'score', Infinity).set(2, 'score', -Infinity).set(3, 'score', -0);
      t.set(1, 'n', 2n ** 63n - 1n).set(2, 'n', -(2n ** 63n));
      await t.push();
      expect(await stored(db, 'score', [1, 2, 3])).toEqual([Infinity, -Infinity, 0]);
      expect(await stored(db, 'n', [1, 2])).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
    },
  },
  {
    name: 'CSV with integers past 64 bits keeps them as text, exactly',
    act: async ({ db }) => {
      const t = await db.createTable(
        'big',
        { csv: 'id,v\n1,18446744073709551617\n2,-9\n' },
        { primaryKey: 'id' },
      );
      expect(t.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'TEXT']);
      expect(t.table().array('v')).toEqual(['18446744073709551617', '-9']);
    },
  },
  {
    name: 'JSON rows whose later rows have more columns keep them all',
    act: async ({ db }) => {
      await db.createTable('j', { json: '[{"a": 1}, {"a": 2, "b": "x"}]' });
      expect((await db.query('SELECT a, b FROM j')).objects()).toEqual([
        { a: 1, b: null },
        { a: 2, b: 'x' },
      ]);
    },
  },
  {
    name: 'query parameters that are SQL are only values',
    act: async ({ db }) => {
      const rows = await db.query('SELECT ? AS v, count(*) AS n FROM items', [
        '1; DROP TABLE items; --',
      ]);
      expect(rows.objects()).toEqual([{ v: '1; DROP TABLE items; --', n: 3 }]);
      expect(await schemaOf(db)).toEqual({ items: ITEMS });
    },
  },
];

let started = 0;
afterAll(() => {
  console.log(
    `bad input: ${refused.length} refused and ${accepted.length} accepted cases in ${Math.round(performance.now() - started)} ms`,
  );
});

/** Runs a refused case: a typed error that says what to do, and nothing changed anywhere. */
async function refusesAndKeeps(ctx: Ctx, c: Refused): Promise<void> {
  const before = tableState(ctx.t);
  const tables = ctx.db.tableNames();
  const contents = await dump(ctx.db);
  const bytes = await ctx.db.export();

  const error = await errorOf(() => c.act(ctx));
  expect(error).toBeInstanceOf(PandalchemyError);
  const e = error as PandalchemyError;
  expect(e.code, e.message).toBe(c.code);
  expect(e.message.length).toBeGreaterThan(20);
  expect(e.message.length).toBeLessThan(400);
  expect(e.message).toMatch(ADVICE);
  // No message shows a value as JavaScript's fallback text, or an undefined part.
  expect(e.message).not.toMatch(/\[object |'undefined'|"undefined"/);
  if (c.says) expect(e.message).toMatch(c.says);

  // Nothing changed: the tracked table, the database, what is stored.
  expect(tableState(ctx.t)).toBe(before);
  if (c.code !== 'closed') {
    expect(ctx.db.tableNames()).toEqual(tables);
    expect(await dump(ctx.db)).toBe(contents);
    expect(await ctx.db.export()).toEqual(bytes);
  }
  expect(await storedDump(ctx.name)).toBe(contents);
}

// Each case opens its own database (and a second one to read what is stored): they run a few at
// a time, as an app's databases may, since most of a case is spent waiting on workers and storage.
describe.concurrent('bad input', () => {
  it('has at least 40 distinct cases', () => {
    started = performance.now();
    const names = [...refused, ...accepted].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(refused.length).toBeGreaterThanOrEqual(40);
  });

  it.each(refused.map((c) => [c.name, c] as const))(
    'refuses %s with a typed error and changes nothing',
    async (_name, c) => {
      const ctx = await setup();
      try {
        await refusesAndKeeps(ctx, c);
      } finally {
        await ctx.db.close();
      }
    },
  );

  it.each(accepted.map((c) => [c.name, c] as const))(
    'stores %s verbatim, with exactly the schema asked for',
    async (_name, c) => {
      const ctx = await setup();
      try {
        await c.act(ctx);
        // What another instance reads back from storage is what this one holds.
        expect(await storedDump(ctx.name)).toBe(await dump(ctx.db));
      } finally {
        await ctx.db.close();
      }
    },
  );
});
