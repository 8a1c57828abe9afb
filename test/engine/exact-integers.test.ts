import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { replayRecord } from '../../src/engine/durable/replay-record';
import { findTable } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import { runQuery } from '../../src/engine/run-query';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { ConflictError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan, Guard, PlanStep, UpdateStep } from '../../src/plan/execution-plan';
import { TrackedTable } from '../../src/table/tracked-table';
import type { SqlValue } from '../../src/values/sql-value';
import { valuesEqual } from '../../src/values/values-equal';
import { dump } from '../support/dump';
import { loadSql } from '../support/memory-storage';
import { expectOthersFollow } from '../support/sql-round-trip';

/**
 * sql.js binds a BigInt as its decimal text. Every statement a push or a query runs must store and
 * find an integer beyond 2^53 as SQLite does the same integer written as an SQL literal: the
 * engine's database is compared, value and storage class, with a reference database that ran
 * the same writes as literal SQL, under every affinity, for keys and other columns, logged and
 * unlogged; then replay of the push and a reader given its effect must end the same.
 */
const SQL = await loadSql();

const OLD: readonly bigint[] = [2n ** 60n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n];
/** Other integers, distinct from OLD and from each other even as REALs. */
const NEW = [
  2n ** 60n + 2n ** 20n,
  -(2n ** 63n) + 2n ** 20n,
  2n ** 63n - 2n ** 20n,
  2n ** 53n + 4n,
];
const TYPES = ['', 'BLOB', 'NUMERIC', 'INTEGER', 'TEXT', 'REAL'] as const;
const TABLES = ['t', 'u', 'w'] as const;
type Table = (typeof TABLES)[number];

/** `t` is keyed by its rowid; `u` by a column of the type (its rowid for INTEGER); `w` has no rowid. */
function schema(type: string): string[] {
  return [
    `CREATE TABLE t (id INTEGER PRIMARY KEY, v ${type})`,
    `CREATE TABLE u (k ${type} PRIMARY KEY, v ${type})`,
    `CREATE TABLE w (k ${type} PRIMARY KEY, v ${type}) WITHOUT ROWID`,
  ];
}

const lit = (v: SqlValue): string =>
  v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v);

function open(type: string): SqlDatabase {
  const db = new SQL.Database();
  configureConnection(db, true);
  for (const sql of schema(type)) db.run(sql);
  OLD.forEach((b, i) => {
    db.run(`INSERT INTO t VALUES (${i + 1}, ${lit(b)})`);
    db.run(`INSERT INTO u VALUES (${lit(b)}, ${lit(b)})`);
    db.run(`INSERT INTO w VALUES (${lit(b)}, ${lit(b)})`);
  });
  db.run(`INSERT INTO t VALUES (${OLD[0]!}, 'big rowid')`);
  return db;
}

/** Every table's rows with each value's storage class: equal for equal databases. */
function contents(db: SqlDatabase): string {
  const types = TABLES.map((t) =>
    selectRows(db, `SELECT typeof(${t === 't' ? 'id' : 'k'}), typeof(v) FROM ${t} ORDER BY 1, 2`),
  );
  return `${dump(db)}\n${JSON.stringify(types)}`;
}

const keyOf = (table: Table): string => (table === 't' ? 'id' : 'k');

/** A push's step and the same written as literal SQL. */
interface Write {
  readonly step: PlanStep;
  readonly sql: string[];
}

function update(table: Table, keys: SqlValue[], set: string[], values: SqlValue[][]): Write {
  const key = keyOf(table);
  return {
    step: {
      kind: 'update',
      table,
      key: [key],
      keyTypes: [''],
      keys: [keys],
      set,
      types: set.map(() => ''),
      values,
      count: keys.length,
      guard: null,
    },
    sql: keys.map(
      (k, i) =>
        `UPDATE ${table} SET ${set.map((c, j) => `${c} = ${lit(values[j]![i]!)}`).join(', ')} WHERE ${key} = ${lit(k)}`,
    ),
  };
}

function insert(table: Table, rows: [SqlValue, SqlValue][]): Write {
  const key = keyOf(table);
  return {
    step: {
      kind: 'insert',
      table,
      key: [key],
      keyTypes: [''],
      columns: [key, 'v'],
      types: ['', ''],
      values: [rows.map((r) => r[0]), rows.map((r) => r[1])],
      count: rows.length,
    },
    sql: rows.map(([k, v]) => `INSERT INTO ${table} (${key}, v) VALUES (${lit(k)}, ${lit(v)})`),
  };
}

function remove(table: Table, keys: SqlValue[]): Write {
  const key = keyOf(table);
  return {
    step: {
      kind: 'delete',
      table,
      key: [key],
      keyTypes: [''],
      keys: [keys],
      count: keys.length,
      guard: null,
    },
    sql: keys.map((k) => `DELETE FROM ${table} WHERE ${key} = ${lit(k)}`),
  };
}

const old = [...OLD] as SqlValue[];
const fresh = [...NEW] as SqlValue[];
const pairs = (a: SqlValue[], b: SqlValue[]): [SqlValue, SqlValue][] => a.map((x, i) => [x, b[i]!]);

/** Pushes, each of steps of one kind (a plan runs deletes, then updates, then inserts). */
const PUSHES: Record<string, Write[]> = {
  insert: [
    insert('t', [...pairs([10, 11, 12, 13], fresh), [NEW[0]!, 'big rowid']]),
    insert('u', pairs(fresh, fresh)),
    insert('w', pairs(fresh, old)),
  ],
  update: [
    update('t', [1, 2, 3, 4, OLD[0]!], ['v'], [[...fresh, NEW[1]!]]),
    update('u', old, ['v'], [fresh]),
    update('w', old, ['v'], [[...fresh].reverse()]),
  ],
  'key move': [
    update('t', [OLD[0]!], ['id', 'v'], [[NEW[0]!], ['moved']]),
    update('u', old, ['k', 'v'], [fresh, fresh]),
    update('w', old, ['k'], [fresh]),
  ],
  // Each pair of keys swapped: the reference moves one through a free key first.
  'key swap': [
    // -(2^63) goes first: a table holding both ends of 64 bits has no free rowid to move through.
    remove('u', [OLD[1]!]),
    update('t', [1, 2], ['v'], [[OLD[1]!, OLD[0]!]]),
    {
      step: update('u', [OLD[0]!, OLD[3]!], ['k'], [[OLD[3]!, OLD[0]!]]).step,
      sql: [
        `UPDATE u SET k = 7 WHERE k = ${OLD[0]!}`,
        `UPDATE u SET k = ${OLD[0]!} WHERE k = ${OLD[3]!}`,
        `UPDATE u SET k = ${OLD[3]!} WHERE k = 7`,
      ],
    },
    {
      step: update(
        'w',
        [OLD[2]!, OLD[3]!],
        ['k', 'v'],
        [
          [OLD[3]!, OLD[2]!],
          ['s', 's'],
        ],
      ).step,
      sql: [
        `UPDATE w SET k = 7, v = 's' WHERE k = ${OLD[2]!}`,
        `UPDATE w SET k = ${OLD[2]!}, v = 's' WHERE k = ${OLD[3]!}`,
        `UPDATE w SET k = ${OLD[3]!} WHERE k = 7`,
      ],
    },
  ],
  delete: [remove('t', [OLD[0]!, 1]), remove('u', old.slice(0, 3)), remove('w', old.slice(1))],
};

/** Applies `writes` as a push to a fresh database of `type`, and as literal SQL to another. */
function compare(type: string, writes: Write[], alwaysLog: boolean): void {
  const db = open(type);
  const reference = open(type);
  const snapshot = db.export();
  const readers = TABLES.map((t) => {
    const info = findTable(db, t)!;
    return [info, new TrackedTable(info, readTable(db, info, 0))] as const;
  });
  let refused: unknown = null;
  try {
    reference.run('BEGIN');
    for (const w of writes) for (const sql of w.sql) reference.run(sql);
    reference.run('COMMIT');
  } catch (e) {
    refused = e;
    reference.run('ROLLBACK');
  }
  const plan: ExecutionPlan = { version: 2, steps: writes.map((w) => w.step) };
  if (refused) {
    // A key the literal writes collide on (REAL keys round): the push is refused too.
    expect(() => applyPlan(db, plan, { conflict: 'overwrite', alwaysLog })).toThrow();
  } else {
    const applied = applyPlan(db, plan, { conflict: 'overwrite', alwaysLog });
    for (const [info, reader] of readers) expectOthersFollow(db, snapshot, applied, reader, info);
  }
  expect(contents(db)).toBe(contents(reference));
  db.close();
  reference.close();
}

describe('integers beyond 2^53 in pushes', () => {
  for (const type of TYPES)
    for (const [name, writes] of Object.entries(PUSHES))
      it.each([
        ['logged', true],
        ['unlogged', false],
      ])(`${name} under ${type || 'no type'}: %s, as literal SQL writes`, (_, alwaysLog) => {
        compare(type, writes, alwaysLog);
      });
});

describe('guards on integers beyond 2^53', () => {
  /** A push updating row `key` of `table`, guarded by `v` holding `expected`. */
  const guarded = (table: Table, keys: SqlValue[], expected: SqlValue[]): ExecutionPlan => {
    const key = keyOf(table);
    const guard: Guard = {
      key: [key],
      keys: [keys],
      columns: ['v'],
      kinds: ['any'],
      expected: [expected],
    };
    const step = update(table, keys, ['v'], [keys.map(() => 'guarded')]).step as UpdateStep;
    return { version: 2, steps: [{ ...step, guard }] };
  };
  for (const type of TYPES)
    it.each([
      ['inline where it can', false],
      ['read first', true],
    ])(
      `conflict exactly where the row holds another value, under ${type || 'no type'}: %s`,
      (_, readGuards) => {
        const start = open(type);
        // A key that crosses no JSON (1.5) makes the read go key by key.
        start.run(`INSERT INTO w VALUES (1.5, 'x')`);
        const snapshot = start.export();
        start.close();
        for (const table of TABLES) {
          const rows = selectRows(
            new SQL.Database(snapshot),
            `SELECT ${keyOf(table)}, v FROM ${table} WHERE ${keyOf(table)} <> 1.5`,
          );
          for (const [i, [key, stored]] of rows.entries()) {
            const near = (v: SqlValue): SqlValue =>
              typeof v === 'bigint' ? (v > 0n ? v - 1n : v + 1n) : v;
            // What the row holds, the integer the literal wrote (a REAL or text under some
            // affinities), one less: the guard holds exactly where the values are equal.
            for (const expected of [stored!, OLD[i % OLD.length]!, near(stored!)]) {
              for (const keys of table === 'w' ? [[key!], [key!, 1.5]] : [[key!]]) {
                const db = new SQL.Database(snapshot);
                configureConnection(db, true);
                const values = keys.map((k) => (k === 1.5 ? 'x' : expected));
                let error: unknown = null;
                try {
                  applyPlan(db, guarded(table, keys, values), { conflict: 'fail', readGuards });
                } catch (e) {
                  error = e;
                }
                const holds = valuesEqual(stored, expected);
                const what = `${table} ${String(key)} holding ${String(stored)}, expected ${String(expected)}`;
                if (holds) expect(error, what).toBeNull();
                else expect(error, what).toBeInstanceOf(ConflictError);
                db.close();
              }
            }
          }
        }
      },
    );
});

describe('query parameters beyond 2^53', () => {
  it.each(TYPES)('find and compare as integer literals do under %s', (type) => {
    const db = open(type);
    for (const b of [...OLD, ...NEW]) {
      for (const [sql, n] of [
        ['SELECT k, typeof(k) FROM u WHERE k = ? ORDER BY 1', 1],
        ['SELECT v, typeof(v) FROM w WHERE v IS ? ORDER BY 1', 1],
        ['SELECT ?, typeof(?), ? + 0, ?1 = ?2', 3],
        ['SELECT :b, typeof(@b), $b, ?2', 3],
      ] as const) {
        const bound = runQuery(db, sql, new Array<SqlValue>(n).fill(b));
        const literal = runQuery(db, sql.replace(/[?:@$]\w*/g, String(b)), []);
        expect(bound.columns, `${sql} with ${b}`).toEqual(literal.columns);
      }
    }
    db.close();
  });
});

describe('AUTOINCREMENT counters beyond 2^53', () => {
  it('are restored by replay as integers (sqlite_sequence is untyped)', () => {
    const db = new SQL.Database();
    configureConnection(db, true);
    db.run('CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, v)');
    db.run("INSERT INTO s VALUES (1, 'one')");
    const snapshot = db.export();
    const step: PlanStep = {
      kind: 'insert',
      table: 's',
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns: ['id', 'v'],
      types: ['INTEGER', ''],
      values: [[2n ** 60n], ['big']],
      count: 1,
    };
    const applied = applyPlan(db, { version: 2, steps: [step] }, { conflict: 'fail' });
    expect(applied.sequences).toEqual([['s', 2n ** 60n]]);
    const replayed = new SQL.Database(snapshot);
    configureConnection(replayed, true);
    replayRecord(
      replayed,
      structuredClone({ seq: 1, pushId: 'p', committedAt: 0, ...applied }),
      true,
    );
    const counters = (d: SqlDatabase) =>
      selectRows(d, 'SELECT name, seq, typeof(seq) FROM sqlite_sequence');
    expect(counters(replayed)).toEqual([['s', 2n ** 60n, 'integer']]);
    expect(counters(replayed)).toEqual(counters(db));
    // The next key SQLite assigns follows the counter.
    replayed.run("INSERT INTO s (v) VALUES ('next')");
    expect(selectRows(replayed, "SELECT id FROM s WHERE v = 'next'")).toEqual([[2n ** 60n + 1n]]);
    db.close();
    replayed.close();
  });
});

describe('DEFAULT values beyond 2^53 of untyped columns', () => {
  it('read back as the same values inserted would: a BigInt as an integer, a number as a REAL', () => {
    const db = new SQL.Database();
    configureConnection(db, true);
    db.run('CREATE TABLE d (id INTEGER PRIMARY KEY)');
    db.run('INSERT INTO d VALUES (1)');
    const values: SqlValue[] = [2n ** 60n, 2 ** 53 + 2, -(2n ** 63n), 2n ** 63n - 1n];
    const steps: PlanStep[] = values.map((value, i) => ({
      kind: 'addColumn',
      table: 'd',
      column: { name: `c${i}`, declaredType: '', notNull: false, default: { value } },
    }));
    const inserted: PlanStep = {
      kind: 'insert',
      table: 'd',
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns: ['id', ...values.map((_, i) => `c${i}`)],
      types: ['INTEGER', ...values.map(() => '')],
      values: [[2], ...values.map((v) => [v])],
      count: 1,
    };
    applyPlan(db, { version: 2, steps: [...steps, inserted] }, { conflict: 'fail' });
    const row = (id: number) =>
      selectRows(
        db,
        `SELECT ${values.map((_, i) => `c${i}, typeof(c${i})`).join(', ')} FROM d WHERE id = ${id}`,
      )[0];
    expect(row(1)).toEqual(row(2));
    expect(row(1)).toEqual([
      2n ** 60n,
      'integer',
      2 ** 53 + 2,
      'real',
      -(2n ** 63n),
      'integer',
      2n ** 63n - 1n,
      'integer',
    ]);
    db.close();
  });
});
