import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import {
  configureConnection,
  selectRows,
  selectValue,
  type SqlDatabase,
} from '../../src/engine/sqlite';
import { keyTokens } from '../../src/values/key-hash';
import type { ColumnValues, ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { TrackedTable } from '../../src/table/tracked-table';
import type { SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';
import { outcomeOf } from '../support/push-outcome';
import { recordingDatabase, type Run } from '../support/recording-sql';
import { expectOthersFollow } from '../support/sql-round-trip';

/**
 * Unlogged updates, deletes and inserts of a table whose rowid is not its key learn each row's
 * rowid from SQLite's update hook, and its key as stored from the plan's where the values tell it
 * (see `matchedKeys`), instead of from RETURNING. Key values that only compare equal to what is
 * stored ('7' and 7 under TEXT affinity, 0 and -0, 'a' and 'A' under NOCASE, 2^60 as REAL and as
 * INTEGER), that SQLite stores otherwise (NaN, NUL, lone surrogates, empty bytes), and rowids
 * beyond 2^53 (where the hook cannot tell them) must give what the change log gives.
 */
const POOL: readonly SqlValue[] = [
  7,
  '7',
  0,
  -0,
  1.5,
  '1.5',
  2 ** 60,
  2n ** 60n,
  -(2n ** 63n),
  // Near the top of 64 bits, with room for the rowids SQLite assigns after it (past 2^63 - 1 it
  // picks them at random).
  2n ** 63n - 64n,
  2n ** 53n + 1n,
  'a',
  'A',
  'a ',
  'a\u0000b',
  new Uint8Array([1]),
  new Uint8Array(0),
  null,
  'x',
];

/** Values plans refuse (a lone surrogate, NaN): rarer, or few plans would run. */
const REFUSED: readonly SqlValue[] = ['\ud800', NaN];

const TYPES = [
  'TEXT',
  'INTEGER',
  'INT',
  'REAL',
  'NUMERIC',
  '',
  'BLOB',
  'TEXT COLLATE NOCASE',
] as const;

const ORDER: readonly string[] = ['delete', 'update', 'insert'];

const value = fc.oneof(
  { arbitrary: fc.constantFrom(...POOL), weight: 100 },
  { arbitrary: fc.constantFrom(...REFUSED), weight: 1 },
);
const key = fc.tuple(value, value);

/** Distinct for values of distinct types (the plan may still address one row twice: '7', 7). */
const token = (k: readonly SqlValue[]): string =>
  k
    .map((v) =>
      v instanceof Uint8Array ? `b${v.join(',')}` : `${typeof v}:${Object.is(v, -0) ? '-0' : v}`,
    )
    .join('|');

/** A key column as a plan carries it: a Float64Array where every value is a number, sometimes. */
function column(values: SqlValue[], typed: boolean): ColumnValues {
  return typed && values.every((v) => typeof v === 'number') ? Float64Array.from(values) : values;
}

/**
 * Values other than `v` that compare equal to it somewhere: under an affinity ('7' and 7, 2^60 as
 * a BigInt and as a number), under NOCASE ('a' and 'A'), or everywhere (0 and -0); `v` itself
 * when there is none.
 */
function alike(v: SqlValue): SqlValue[] {
  const forms: SqlValue[] = [];
  if (typeof v === 'number') {
    forms.push(String(v));
    if (v === 0) forms.push(Object.is(v, -0) ? 0 : -0, Object.is(v, -0) ? 0 : -0);
    if (Number.isInteger(v)) forms.push(BigInt(v));
  } else if (typeof v === 'bigint') {
    forms.push(Number(v), String(v));
  } else if (typeof v === 'string') {
    forms.push(...[v.toUpperCase(), v.toLowerCase()].filter((f) => f !== v));
    if (v.trim() !== '' && Number.isFinite(Number(v))) forms.push(Number(v));
  }
  return forms.length ? forms : [v];
}

/**
 * Keys a step addresses: any, or (often) a row's key in a form that only compares equal to it as
 * stored, where what a step was told and what SQLite holds differ.
 */
const keysFor = (rows: readonly (readonly [SqlValue, SqlValue])[]) =>
  fc.uniqueArray(
    rows.length
      ? fc.oneof(
          { arbitrary: key, weight: 1 },
          {
            weight: 2,
            arbitrary: fc
              .constantFrom(...rows)
              .chain(([a, b]) =>
                fc.tuple(fc.constantFrom(a, ...alike(a)), fc.constantFrom(b, ...alike(b))),
              ),
          },
        )
      : key,
    { maxLength: 4, selector: token },
  );

describe('steps told their rows without RETURNING', () => {
  it('report the same effects and leave the same rows as the change log says', async () => {
    const SQL = await loadSql();
    const step = (composite: boolean, rows: readonly (readonly [SqlValue, SqlValue])[]) => {
      const keys = keysFor(rows);
      const width = composite ? 2 : 1;
      const keyNames = ['k1', 'k2'].slice(0, width);
      const keyColumns = (ks: [SqlValue, SqlValue][], typed: boolean): ColumnValues[] =>
        keyNames.map((_, k) =>
          column(
            ks.map((t) => t[k]!),
            typed,
          ),
        );
      return fc.oneof(
        fc.tuple(keys, fc.boolean()).map(([ks, typed]): PlanStep => ({
          kind: 'delete',
          table: 'v',
          key: keyNames,
          keyTypes: keyNames.map(() => ''),
          keys: keyColumns(ks, typed),
          count: ks.length,
          guard: null,
        })),
        fc
          .tuple(keys, fc.boolean(), fc.array(fc.tuple(value, value), { maxLength: 4 }))
          .map(([ks, typed, vs]): PlanStep => ({
            kind: 'update',
            table: 'v',
            key: keyNames,
            keyTypes: keyNames.map(() => ''),
            keys: keyColumns(ks, typed),
            set: ['t', 'n'],
            types: ['', ''],
            values: [ks.map((_, i) => vs[i]?.[0] ?? 'u'), ks.map((_, i) => vs[i]?.[1] ?? 1)],
            count: ks.length,
            guard: null,
          })),
        fc.tuple(keys, fc.boolean()).map(([ks, typed]): PlanStep => ({
          kind: 'insert',
          table: 'v',
          key: keyNames,
          keyTypes: keyNames.map(() => ''),
          columns: [...keyNames, 't'],
          types: [...keyNames, 't'].map(() => ''),
          values: [...keyColumns(ks, typed), ks.map((_, i) => `new ${i}`)],
          count: ks.length,
        })),
      );
    };
    const scenario = fc
      .tuple(fc.boolean(), fc.array(key, { maxLength: 6 }))
      .chain(([composite, rows]) =>
        fc.record({
          composite: fc.constant(composite),
          types: fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...TYPES)),
          rows: fc.constant(rows),
          // Rowids beyond 2^53: the update hook cannot tell them, RETURNING does.
          bigRowids: fc.constantFrom(null, 2n ** 60n, -(2n ** 60n), 2n ** 53n - 2n),
          // Keys 2^60 stored as INTEGER (sql.js binds 2^60 as a REAL, and a BigInt as text).
          bigIntegers: fc.boolean(),
          // In the order plans run them: deletes, updates, inserts.
          steps: fc
            .array(step(composite, rows), { minLength: 1, maxLength: 4 })
            .map((ss) => [...ss].sort((x, y) => ORDER.indexOf(x.kind) - ORDER.indexOf(y.kind))),
        }),
      );
    await fc.assert(
      fc.asyncProperty(
        scenario,
        async ({ composite, types, rows, bigRowids, bigIntegers, steps }) => {
          const start = (): SqlDatabase => {
            const db = new SQL.Database();
            configureConnection(db, true);
            db.run(
              `CREATE TABLE v (k1 ${types[0]}, k2 ${types[1]}, t TEXT, n NUMERIC, ` +
                `PRIMARY KEY (${composite ? 'k1, k2' : 'k1'}))`,
            );
            if (bigRowids !== null) {
              try {
                db.run("INSERT INTO v (rowid, k1, k2, t) VALUES (?, 'big', 'big', 'big')", [
                  bigRowids,
                ]);
              } catch {
                // An INTEGER PRIMARY KEY is the rowid: 'big' is no integer.
              }
            }
            if (bigIntegers) {
              db.run(
                `INSERT OR IGNORE INTO v (k1, k2, t) VALUES (${2n ** 60n}, ${2n ** 60n}, 'int')`,
              );
              // Both ends of 64 bits, as integers (the rows below bind BigInts as sql.js does: text).
              db.run(
                `INSERT OR IGNORE INTO v (k1, k2, t) VALUES (${-(2n ** 63n)}, ${2n ** 63n - 1n}, 'ends')`,
              );
            }
            rows.forEach(([a, b], i) => {
              try {
                db.run('INSERT OR IGNORE INTO v (k1, k2, t, n) VALUES (?, ?, ?, ?)', [
                  a,
                  b,
                  `row ${i}`,
                  i,
                ]);
              } catch {
                // Not a value an INTEGER PRIMARY KEY takes.
              }
            });
            return db;
          };
          const plan: ExecutionPlan = { version: 2, steps };
          const logged = outcomeOf(start(), 'v', plan, true);
          expect(outcomeOf(start(), 'v', plan, false)).toEqual(logged);

          // Replay and a reader of the state before both end at the state after.
          const db = start();
          const info = findTable(db, 'v')!;
          const reader = new TrackedTable(info, readTable(db, info, 0));
          const snapshot = db.export();
          const keySql = `SELECT ${composite ? 'k1, k2' : 'k1'} FROM v`;
          const keysBefore = selectRows(db, keySql).map(keyTokens);
          try {
            const applied = applyPlan(db, plan, { conflict: 'overwrite' });
            // The keys reported deleted are those that went, as stored: none a row holds now (a
            // key deleted and inserted again is the new row's), and every one that went.
            const after = new Set(selectRows(db, keySql).map(keyTokens));
            const deleted = applied.effects[0]?.deleted.keys ?? [];
            const gone = Array.from({ length: deleted[0]?.length ?? 0 }, (_, i) =>
              keyTokens(deleted.map((c) => c[i] ?? null)),
            );
            expect(gone.filter((k) => after.has(k))).toEqual([]);
            expect(keysBefore.filter((k) => !after.has(k) && !gone.includes(k))).toEqual([]);
            // A reader tells rows apart by key: not rows whose keys are NULL (SQLite lets them be).
            const nullKeys = `SELECT count(*) FROM v WHERE k1 IS NULL${composite ? ' OR k2 IS NULL' : ''}`;
            // 2^60 stored as INTEGER in a column without INTEGER affinity (bigIntegers) replays
            // as that integer, not as the text sql.js binds a BigInt as.
            if (selectValue(db, nullKeys) === 0)
              expectOthersFollow(db, snapshot, applied, reader, info);
          } catch (e) {
            if (!(e instanceof Error && 'code' in e)) throw e;
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('run without RETURNING where the plan tells the keys, with it where it does not', async () => {
    const SQL = await loadSql();
    const runs: Run[] = [];
    const db = recordingDatabase(new SQL.Database(), runs, () => true);
    configureConnection(db, true);
    db.run('CREATE TABLE v (k TEXT PRIMARY KEY, t TEXT)');
    db.run("INSERT INTO v VALUES ('a', 'x'), ('7', 'y'), ('b', 'z')");
    runs.length = 0;
    const steps: PlanStep[] = [
      {
        kind: 'delete',
        table: 'v',
        key: ['k'],
        keyTypes: [''],
        keys: [['a']],
        count: 1,
        guard: null,
      },
      {
        kind: 'update',
        table: 'v',
        key: ['k'],
        keyTypes: [''],
        // 'b' is stored as given; 7 only compares equal to the stored '7'.
        keys: [['b', 7]],
        set: ['t'],
        types: [''],
        values: [['x2', 'y2']],
        count: 2,
        guard: null,
      },
      {
        kind: 'insert',
        table: 'v',
        key: ['k'],
        keyTypes: [''],
        columns: ['k', 't'],
        types: ['', ''],
        values: [['c'], ['w']],
        count: 1,
      },
    ];
    const applied = applyPlan(db, { version: 2, steps }, { conflict: 'overwrite' });
    const written = runs
      .filter((r) => /^(UPDATE|DELETE|INSERT)/.test(r.sql))
      .map((r) => [r.sql, r.parameters]);
    expect(written).toEqual([
      ['DELETE FROM "v" WHERE "k" = ?', ['a']],
      ['UPDATE "v" SET "t" = ? WHERE "k" = ?', ['x2', 'b']],
      ['UPDATE "v" SET "t" = ? WHERE "k" = ? RETURNING rowid, "k"', ['y2', 7]],
      ['INSERT INTO "v" ("k", "t") VALUES (?, ?)', ['c', 'w']],
    ]);
    const [effect] = applied.effects;
    const plain = (c: ColumnValues | null | undefined): unknown => (c ? Array.from(c) : c);
    expect(plain(effect!.deleted.rowids)).toEqual([1]);
    expect(effect!.deleted.keys.map(plain)).toEqual([['a']]);
    const patches = effect!.patches!.map((p) => ({
      columns: p.columns,
      rowids: plain(p.rowids),
      values: p.values.map(plain),
      keys: p.keys?.map(plain),
    }));
    expect(patches).toEqual([
      { columns: ['t'], rowids: [3, 2], values: [['x2', 'y2']], keys: [['b', '7']] },
    ]);
    expect(plain(effect!.upserts.rowids)).toEqual([4]);
    db.close();
  });
  it('report no key deleted that a row inserted again holds (composite keys)', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    configureConnection(db, true);
    db.run('CREATE TABLE v (a INTEGER, b TEXT, t TEXT, PRIMARY KEY (a, b))');
    db.run("INSERT INTO v VALUES (1, 'x', 'one'), (2, 'x', 'two'), (1, 'y', 'three')");
    const keys = (): ColumnValues[] => [Float64Array.from([1, 2]), ['x', 'x']];
    const steps: PlanStep[] = [
      {
        kind: 'delete',
        table: 'v',
        key: ['a', 'b'],
        keyTypes: ['', ''],
        keys: keys(),
        count: 2,
        guard: null,
      },
      {
        kind: 'insert',
        table: 'v',
        key: ['a', 'b'],
        keyTypes: ['', ''],
        columns: ['a', 'b', 't'],
        types: ['', '', ''],
        values: [Float64Array.from([1]), ['x'], ['again']],
        count: 1,
      },
    ];
    const [effect] = applyPlan(db, { version: 2, steps }, { conflict: 'overwrite' }).effects;
    // (1, 'x') is the new row's key: readers update that row in place.
    expect(effect!.deleted.keys.map((c) => Array.from(c))).toEqual([[2], ['x']]);
    db.close();
  });

  it('report a key given in a form equal to the stored one as stored, for every type and step', async () => {
    const SQL = await loadSql();
    // Each pair: the key as a row stores it, the same key as a plan may give it.
    const pairs: [SqlValue, SqlValue][] = [
      [0, -0],
      [7, '7'],
      [7, 7n],
      ['a', 'A'],
    ];
    for (const type of TYPES)
      for (const composite of [false, true])
        for (const [stored, given] of pairs)
          for (const typed of [false, true])
            for (const kind of ['delete', 'update', 'insert'] as const) {
              const keyNames = composite ? ['k1', 'k2'] : ['k1'];
              const keys = [column([given], typed), ...(composite ? [['x']] : [])];
              const base = { table: 'v', key: keyNames, keyTypes: keyNames.map(() => '') };
              const step: PlanStep =
                kind === 'delete'
                  ? { ...base, kind, keys, count: 1, guard: null }
                  : kind === 'update'
                    ? {
                        ...base,
                        kind,
                        keys,
                        set: ['t'],
                        types: [''],
                        values: [['u']],
                        count: 1,
                        guard: null,
                      }
                    : {
                        ...base,
                        kind,
                        columns: [...keyNames, 't'],
                        types: ['', '', ''].slice(0, keyNames.length + 1),
                        values: [...keys, ['new']],
                        count: 1,
                      };
              const start = (): SqlDatabase => {
                const db = new SQL.Database();
                configureConnection(db, true);
                db.run(
                  `CREATE TABLE v (k1 ${type}, k2 TEXT, t TEXT, n NUMERIC, PRIMARY KEY (${composite ? 'k1, k2' : 'k1'}))`,
                );
                // The insert's key goes to a free row: the stored one is deleted first.
                if (kind !== 'insert')
                  db.run("INSERT INTO v (k1, k2, t) VALUES (?, 'x', 'old')", [stored]);
                return db;
              };
              try {
                start().close();
              } catch {
                continue; // 'a' is no value an INTEGER PRIMARY KEY takes.
              }
              const plan: ExecutionPlan = { version: 2, steps: [step] };
              const logged = outcomeOf(start(), 'v', plan, true);
              expect(
                outcomeOf(start(), 'v', plan, false),
                `${type} ${composite ? 'composite' : 'single'} ${kind} ${String(given)} ${typed ? 'typed' : ''}`,
              ).toEqual(logged);
            }
  });
});
