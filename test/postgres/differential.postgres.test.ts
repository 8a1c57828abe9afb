import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyPlan as applySqlite } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import { configureConnection, type SqlDatabase } from '../../src/engine/sqlite';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import {
  isSchemaStep,
  PLAN_VERSION,
  type ExecutionPlan,
  type PlanStep,
} from '../../src/plan/execution-plan';
import { applyPlan as applyPostgres } from '../../src/postgres';
import { TrackedTable } from '../../src/table/tracked-table';
import { encodeValue } from '../../src/values/codec';
import { kindOf, type ColumnKind } from '../../src/values/column-kind';
import type { CellValue, SqlValue } from '../../src/values/sql-value';
import { loadSql } from '../support/memory-storage';
import { CONFIGS, TEXTS, columnsOf, valueFor, type Seed, type TableConfig } from '../support/model';
import {
  cellToken,
  keptWrites,
  postgresContents,
  type Outcome,
  refusedRetypes,
  refusedWrites,
  settle,
  sqliteContents,
  tokenOf,
} from '../support/postgres-compare';
import { openTarget, type PostgresTarget } from '../support/postgres-targets';

/**
 * The same random edit sequences, as plans, pushed through the SQLite engine (sql.js), PGlite and
 * the PostgreSQL server: after every push the three hold the same rows (compared as the values a
 * tracked table would hold, which is what the type mapping promises), and a push that fails fails
 * alike in all three (the same code; the same conflicts; a constraint on the same table and row).
 *
 * Each round edits two trackers of the table as it is: the first push goes through, the second is
 * based on rows the first may have changed (conflicts) and may insert keys the first took
 * (constraint failures). Tables without a declared key (CONFIGS' rowid table) are left out:
 * PostgreSQL refuses them (test/postgres/apply-plan.postgres.test.ts).
 */

const SQL = await loadSql();
const RUNS = Number(process.env['POSTGRES_DIFF_RUNS'] ?? 300);
/** A failure's seed and path, as fast-check reports them, to replay it. */
const SEED = process.env['POSTGRES_DIFF_SEED'];
const PATH = process.env['POSTGRES_DIFF_PATH'];

const seed: fc.Arbitrary<Seed> = fc.record({
  n: fc.integer({ min: -4, max: 12 }),
  // Not text starting with U+FEFF: PGlite reads it back without the mark once a query of its
  // has failed (it then makes a new reader with a default TextDecoder), where SQLite and
  // PostgreSQL keep it. A PGlite limitation, noted in the README.
  s: fc.constantFrom(...TEXTS.filter((t) => !t.startsWith('\ufeff'))),
  p: fc.nat(9),
});

type Edit =
  | { t: 'set'; row: number; col: number; v: Seed }
  | { t: 'insert'; vs: Seed[] }
  | { t: 'delete'; row: number }
  | { t: 'upsert'; row: number; col: number; v: Seed }
  /** Swaps one key column's values (`col`: which; past the last: every key column) between two rows. */
  | { t: 'swapKeys'; a: number; b: number; col: number }
  | { t: 'addColumn'; type: string; name: string; dflt: Seed; notNull: boolean }
  | { t: 'dropColumn'; col: number }
  | { t: 'rename'; col: number; name: string }
  /** `invalid`: what the tracker does with values the new type does not hold (`retypeColumn`). */
  | { t: 'retype'; col: number; type: string; invalid: 'error' | 'null' | 'keep' }
  | { t: 'index'; col: number; drop: boolean };

const idx = fc.nat(20);
/** Every declared type the library makes a column of. */
const TYPES = ['INTEGER', 'TEXT', 'REAL', 'BOOLEAN', 'DATE', 'BLOB', 'DATETIME', 'NUMERIC'];
const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('set' as const), row: idx, col: idx, v: seed }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('insert' as const),
      vs: fc.array(seed, { minLength: 8, maxLength: 8 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), row: idx }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('upsert' as const), row: idx, col: idx, v: seed }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('swapKeys' as const),
      a: idx,
      b: idx,
      col: fc.nat(2),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('addColumn' as const),
      type: fc.constantFrom(...TYPES),
      name: fc.constantFrom('x', 'y', 'Upper Case'),
      dflt: seed,
      notNull: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dropColumn' as const), col: idx }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('rename' as const),
      col: idx,
      name: fc.constantFrom('renamed', 'z', 'x'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('index' as const), col: idx, drop: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('retype' as const),
      col: idx,
      type: fc.constantFrom(...TYPES),
      // 'keep' keeps values PostgreSQL's column cannot hold ('abc' made INTEGER, -1e300 made
      // NUMERIC): that push is refused there (and undone in SQLite, see push), whether the type
      // change converts them or a row inserted or edited before it writes them (seed -441635553).
      invalid: fc.constantFrom('error' as const, 'null' as const, 'keep' as const),
    }),
  },
);

interface Round {
  readonly first: Edit[];
  readonly second: Edit[];
  readonly clash: Seed[] | null;
  readonly partial: boolean;
  readonly merge: boolean;
}

const round: fc.Arbitrary<Round> = fc.record({
  first: fc.array(edit, { minLength: 1, maxLength: 5 }),
  second: fc.array(edit, { maxLength: 4 }),
  /** Both writers insert a row of the same new key (the second's push then fails on it). */
  clash: fc.option(fc.array(seed, { minLength: 8, maxLength: 8 }), { freq: 4 }),
  /** The plans leave out the key columns their moves keep (see `partialKeyMoves`). */
  partial: fc.boolean(),
  /**
   * The first push also carries the second writer's data steps (see `withStaleWrites`): values
   * written under the types their columns have before that plan's own type changes.
   */
  merge: fc.boolean(),
});

/**
 * The first writer's schema steps with the second writer's data steps, in place of the first's:
 * one plan that changes a column's type and writes values under the type it had (a plan put
 * together elsewhere, as from two edits of one table). Unchanged unless the first retypes a
 * column and the second writes rows.
 */
function withStaleWrites(first: ExecutionPlan, second: ExecutionPlan): ExecutionPlan {
  const schema = first.steps.filter(isSchemaStep);
  const data = second.steps.filter((s) => !isSchemaStep(s));
  if (!schema.some((s) => s.kind === 'retypeColumn') || !data.length) return first;
  return { ...first, steps: [...schema, ...data] };
}

/** Whether a plan writes a column it retypes under another type than the new one. */
function writesUnderOldType(plan: ExecutionPlan): boolean {
  return plan.steps.some(
    (r) =>
      r.kind === 'retypeColumn' &&
      plan.steps.some((step) => {
        if (step.kind !== 'insert' && step.kind !== 'update') return false;
        const names = step.kind === 'insert' ? step.columns : step.set;
        const j = names.indexOf(r.column);
        return (
          step.table === r.table &&
          j >= 0 &&
          kindOf(step.types[j] ?? '') !== kindOf(r.declaredType) &&
          step.values[j]!.some((v) => v !== null)
        );
      }),
  );
}

/**
 * The same plan with each update's key columns left out of `set` where no row changes them: a
 * move of one column of a composite key, as a plan from elsewhere (the wire format, a plan pass)
 * may say it. A tracker sets every key column of a moved row.
 */
function partialKeyMoves(plan: ExecutionPlan): ExecutionPlan {
  const steps = plan.steps.map((step): PlanStep => {
    if (step.kind !== 'update') return step;
    const keep = step.set.map((c, j) => {
      const k = step.key.indexOf(c);
      if (k < 0) return true;
      const before = step.keys[k]!;
      const after = step.values[j]!;
      for (let i = 0; i < step.count; i++)
        if (tokenOf([before[i] ?? null]) !== tokenOf([after[i] ?? null])) return true;
      return false;
    });
    if (keep.every(Boolean) || !keep.some(Boolean)) return step;
    return {
      ...step,
      set: step.set.filter((_, j) => keep[j]),
      types: step.types.filter((_, j) => keep[j]),
      values: step.values.filter((_, j) => keep[j]),
    };
  });
  return { ...plan, steps };
}

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length ? list[i % list.length] : undefined;
}

/**
 * Applies an edit through the tracker's public API; refused edits (typed errors) change nothing.
 * `stored`: each column's kind in the database when the round began, by its current name (kept
 * up to date across renames and drops), or null for a writer that retypes nothing to TEXT.
 */
function applyEdit(t: TrackedTable, e: Edit, stored: Map<string, ColumnKind> | null): void {
  const cols = t.columns;
  const keys = t.key;
  const rows = t.table().objects() as Record<string, CellValue>[];
  const keyOfRow = (r: Record<string, CellValue>) => keys.map((k) => r[k] ?? null);
  const kindOfCol = (name: string): ColumnKind =>
    kindOf(cols.find((c) => c.name === name)?.declaredType ?? '');
  try {
    switch (e.t) {
      case 'set': {
        const row = pick(rows, e.row);
        const col = pick(cols, e.col);
        if (row && col)
          t.set(keyOfRow(row), col.name, valueFor(kindOfCol(col.name), e.v, !col.key));
        return;
      }
      case 'insert': {
        const given: Record<string, CellValue> = {};
        cols.forEach((c, j) => {
          const s = e.vs[j % e.vs.length]!;
          // Few new keys, so that the two writers of a round often insert the same one.
          given[c.name] = valueFor(
            kindOfCol(c.name),
            c.key ? { ...s, n: 40 + (s.n & 3) } : s,
            !c.key,
          );
        });
        t.insert(given);
        return;
      }
      case 'delete': {
        const row = pick(rows, e.row);
        if (row) t.delete([keyOfRow(row)]);
        return;
      }
      case 'upsert': {
        const row = pick(rows, e.row);
        const col = pick(
          cols.filter((c) => !c.key),
          e.col,
        );
        if (row && col)
          t.upsert({ ...row, [col.name]: valueFor(kindOfCol(col.name), e.v) } as never);
        return;
      }
      case 'swapKeys': {
        // One key column of a composite key (the others stay: a partial move), or the whole key.
        const a = pick(rows, e.a);
        if (!a) return;
        const moved = e.col < keys.length ? [keys[e.col]!] : keys;
        // A row that shares the columns kept, where there is one: only then do the rows take each
        // other's keys (a move through temporaries); otherwise both move to free keys.
        const kept = keys.filter((k) => !moved.includes(k));
        const twins = rows.filter(
          (r) => r !== a && kept.every((k) => cellToken(r[k] ?? null) === cellToken(a[k] ?? null)),
        );
        const b = pick(twins.length ? twins : rows, e.b);
        if (!b || a === b) return;
        const ka = keyOfRow(a);
        const kb = keyOfRow(b);
        const with_ = (base: CellValue[], from: CellValue[]): CellValue[] =>
          keys.map((k, j) => (moved.includes(k) ? from[j]! : base[j]!));
        // Through a parking key no row holds, one column at a time (a tracker moves a key whole).
        const parked = keys.map((k, j) =>
          moved.includes(k)
            ? valueFor(kindOfCol(k), { n: 1000, s: 'parking', p: 7 }, false)
            : ka[j]!,
        );
        const moveTo = (from: CellValue[], to: CellValue[]): void => {
          let at = from;
          for (const k of moved) {
            const j = keys.indexOf(k);
            t.set(at, k, to[j]!);
            at = at.map((v, m) => (m === j ? to[j]! : v));
          }
        };
        moveTo(ka, parked);
        moveTo(kb, with_(kb, ka));
        moveTo(parked, with_(ka, kb));
        return;
      }
      case 'addColumn': {
        const kind = kindOf(e.type);
        const dflt = valueFor(kind, e.dflt, !e.notNull);
        t.addColumn(e.name, { type: e.type, default: dflt, notNull: e.notNull });
        return;
      }
      case 'dropColumn': {
        const col = pick(
          cols.filter((c) => !c.key),
          e.col,
        );
        if (!col) return;
        t.dropColumn(col.name);
        stored?.delete(col.name);
        return;
      }
      case 'rename': {
        const col = pick(cols, e.col);
        if (!col) return;
        t.renameColumn(col.name, e.name);
        const kind = stored?.get(col.name);
        stored?.delete(col.name);
        if (kind && stored) stored.set(e.name, kind);
        return;
      }
      case 'index': {
        // Plain indexes only: a UNIQUE one the rows break names them differently in each database.
        // On key columns, which no push drops: PostgreSQL drops a column with the indexes on it,
        // SQLite refuses (README: "The same plans in PostgreSQL").
        const col = pick(
          cols.filter((c) => c.key),
          e.col,
        );
        if (e.drop) t.dropIndex('ix');
        else if (col) t.createIndex('ix', [col.name]);
        return;
      }
      case 'retype': {
        const col = pick(
          cols.filter((c) => !c.key),
          e.col,
        );
        if (!col) return;
        // Every pair of types: PostgreSQL converts as SQLite does, or refuses where SQLite keeps
        // a value of another type (checked in push). Except reals made TEXT, which each database
        // prints its own way (README: "The same plans in PostgreSQL"): not from a column that is
        // REAL in the database, nor from one the writer cannot tell (see `stored`). (NUMERIC
        // columns hold the generators' reals, n/4 and 0.1, which both print alike.)
        if (kindOf(e.type) === 'text') {
          const real = (k: ColumnKind | undefined) => k === 'real';
          if (!stored?.has(col.name) || real(stored.get(col.name)) || real(kindOfCol(col.name)))
            return;
        }
        t.retypeColumn(col.name, e.type, { invalid: e.invalid });
        return;
      }
    }
  } catch (err) {
    if (!(err instanceof PandalchemyError)) throw err;
  }
}

/**
 * Whether a plan writes values into a column whose type changed since it was made (by the type
 * its steps give the column): a writer that did not see the first push's type change. SQLite
 * stores them by the new type's affinity, and PostgreSQL converts them alike; where SQLite keeps
 * a value of another type PostgreSQL refuses the push (`refusedWrites`; README: "The same plans
 * in PostgreSQL"). Counted, so that the test shows it keeps making such pushes.
 */
function writesRetyped(plan: ExecutionPlan, db: SqlDatabase): boolean {
  // Columns by the names the plan's data steps use: renamed by its schema steps (run first).
  const stored = new Map<string, string>();
  for (const step of plan.steps) {
    if (step.kind !== 'renameColumn') continue;
    const from = [...stored].find(([, now]) => now === step.from)?.[0] ?? step.from;
    stored.set(from, step.to);
  }
  const storedName = (name: string): string =>
    [...stored].find(([, now]) => now === name)?.[0] ?? name;
  return plan.steps.some((step) => {
    if (step.kind !== 'insert' && step.kind !== 'update') return false;
    const info = findTable(db, step.table);
    const names = step.kind === 'insert' ? step.columns : step.set;
    return names.some((name, j) => {
      const now = info?.columns.find((c) => c.name === storedName(name))?.declaredType;
      return (
        now !== undefined &&
        kindOf(now) !== kindOf(step.types[j] ?? '') &&
        step.values[j]!.some((v) => v !== null)
      );
    });
  });
}

/** The plan that creates the table and its start rows. */
function createPlan(config: TableConfig, initial: Seed[][]): ExecutionPlan {
  const cols = columnsOf(config);
  const key = config.key as readonly string[];
  const seen = new Set<string>();
  const rows: SqlValue[][] = [];
  initial.forEach((seeds, i) => {
    const row = cols.map((c, j) => {
      const last = key.indexOf(c.name) === key.length - 1;
      // A composite key's leading columns take one of two values, so that rows share them and
      // moving only the last column between rows is a swap; the last column keeps keys apart.
      const s = !c.key
        ? seeds[j]!
        : last
          ? { ...seeds[j]!, n: seeds[j]!.n + i * 31 }
          : { n: i & 1, s: TEXTS[i & 1]!, p: 3 };
      return encodeValue(c.kind, valueFor(c.kind, s, !c.key));
    });
    const token = tokenOf(cols.filter((c) => c.key).map((c) => row[cols.indexOf(c)]!));
    if (seen.has(token)) return;
    seen.add(token);
    rows.push(row);
  });
  const steps: PlanStep[] = [
    {
      kind: 'createTable',
      table: config.name,
      columns: cols.map((c) => ({
        name: c.name,
        declaredType: c.type,
        notNull: false,
        default: null,
      })),
      primaryKey: key,
      autoIncrement: false,
    },
  ];
  if (rows.length)
    steps.push({
      kind: 'insert',
      table: config.name,
      key,
      keyTypes: key.map((k) => cols.find((c) => c.name === k)!.type),
      columns: cols.map((c) => c.name),
      types: cols.map((c) => c.type),
      values: cols.map((_, j) => rows.map((r) => r[j]!)),
      count: rows.length,
    });
  return { version: PLAN_VERSION, steps };
}

/**
 * Counterexamples of runs with fresh seeds (shrunk), as [config, initial rows, rounds]. Seed
 * 1345624510, sequence 2,010 of 3,000: the second writer inserts bytes into a column the first
 * made BOOLEAN and a column it dropped; SQLite reports the dropped column, PostgreSQL the bytes.
 */
const REGRESSIONS = [
  [
    CONFIGS.find((c) => c.name === 'items')!,
    [],
    [
      {
        first: [
          { t: 'retype', col: 15, type: 'BOOLEAN', invalid: 'error' },
          { t: 'dropColumn', col: 0 },
        ],
        second: [],
        clash: Array.from({ length: 8 }, (_, i) => ({ n: 0, s: '', p: i === 4 ? 1 : 0 })),
        partial: false,
        merge: false,
      },
      {
        first: [{ t: 'set', row: 0, col: 0, v: { n: 0, s: '', p: 0 } }],
        second: [],
        clash: null,
        partial: false,
        merge: false,
      },
    ],
  ],
] as [TableConfig, Seed[][], Round[]][];

const stats: Record<string, number> = {};

describe('the same plans in SQLite, PGlite and PostgreSQL', () => {
  let server: PostgresTarget;
  let pglite: PostgresTarget;
  beforeAll(async () => {
    server = await openTarget('server');
    pglite = await openTarget('pglite');
  });
  afterAll(async () => {
    await server?.close();
    await pglite?.close();
  });

  const keyed = CONFIGS.filter((c) => c.key !== 'rowid');

  test(
    'random edit sequences leave the three databases holding the same rows, and fail alike',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...keyed),
          fc.array(fc.array(seed, { minLength: 8, maxLength: 8 }), { maxLength: 6 }),
          fc.array(round, { minLength: 1, maxLength: 4 }),
          async (config, initial, rounds) => {
            await Promise.all([server.reset(), pglite.reset()]);
            let db = new SQL.Database();
            configureConnection(db, true);
            try {
              const push = async (plan: ExecutionPlan, label: string): Promise<void> => {
                // A type change SQLite makes keeping a value of another type, or such a value
                // written under the column's type ({ invalid: 'keep' }), which PostgreSQL refuses
                // (README: "The same plans in PostgreSQL"). Where the push fails in SQLite
                // anyway, on a guard (read first everywhere) it fails alike; on anything else
                // PostgreSQL may find either failure first (it checks a data step's key after the
                // schema steps, SQLite before): both leave everything as it was.
                const refused = [...refusedRetypes(SQL, db, plan), ...keptWrites(SQL, db, plan)];
                // Values written under a type their column no longer has, which it cannot hold:
                // refused by both.
                const stale = refusedWrites(SQL, db, plan);
                const before = refused.length ? db.export() : null;
                let lite = await settle(() => applySqlite(db, plan, { conflict: 'fail' }));
                if (stale.length) {
                  stats['stale refused'] = (stats['stale refused'] ?? 0) + 1;
                  expect(lite.ok, `SQLite refuses writing ${stale.join(', ')}`).toBe(false);
                }
                const refusal: Outcome = {
                  ok: false,
                  code: 'invalid_value',
                  table: refused[0]?.split('.')[0],
                };
                const allowed = [lite];
                if (before && lite.ok) {
                  lite = refusal;
                  allowed[0] = refusal;
                  db.close();
                  db = new SQL.Database(before);
                  configureConnection(db, true);
                } else if (before && !lite.ok && lite.code !== 'conflict') allowed.push(refusal);
                // A stale value both refuse, where SQLite fails on something else first (a
                // column another writer dropped: SQLite compiles the statement before binding a
                // row, PostgreSQL binds first; seed 1345624510).
                if (stale.length && !lite.ok && lite.code !== 'conflict')
                  allowed.push({
                    ok: false,
                    code: 'invalid_value',
                    table: stale[0]!.split('.')[0],
                  });
                // The server works in its own process and PGlite in this one: side by side.
                const [onServer, onPglite] = await Promise.all([
                  settle(() => applyPostgres(plan, server.client)),
                  settle(() => applyPostgres(plan, pglite.client)),
                ]);
                const what = `${label}: ${JSON.stringify(plan, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v))}`;
                expect(allowed, `server vs SQLite, ${what}`).toContainEqual(onServer);
                expect(allowed, `PGlite vs SQLite, ${what}`).toContainEqual(onPglite);
                const key = lite.ok ? 'ok' : lite.code;
                stats[key] = (stats[key] ?? 0) + 1;
                const expected = sqliteContents(db, config.name);
                const info = findTable(db, config.name);
                const kinds = new Map(
                  info?.columns.map((c) => [c.name, kindOf(c.declaredType)]) ?? [],
                );
                const [serverRows, pgliteRows] = await Promise.all([
                  postgresContents(server, config.name, kinds),
                  postgresContents(pglite, config.name, kinds),
                ]);
                expect(serverRows, `server rows after ${what}`).toEqual(expected);
                expect(pgliteRows, `PGlite rows after ${what}`).toEqual(expected);
              };
              await push(createPlan(config, initial), 'create');
              for (const r of rounds) {
                const info = findTable(db, config.name)!;
                const data = readTable(db, info, 0);
                const first = new TrackedTable(info, data);
                const second = new TrackedTable(info, readTable(db, info, 0));
                const stored = new Map(info.columns.map((c) => [c.name, kindOf(c.declaredType)]));
                for (const e of r.first) applyEdit(first, e, stored);
                // The second writer retypes nothing to TEXT: the first push may have made the
                // column REAL already (see applyEdit).
                for (const e of r.second) applyEdit(second, e, null);
                if (r.clash) {
                  applyEdit(first, { t: 'insert', vs: r.clash }, null);
                  applyEdit(second, { t: 'insert', vs: r.clash }, null);
                }
                const b = r.partial ? partialKeyMoves(second.plan()) : second.plan();
                let a = r.partial ? partialKeyMoves(first.plan()) : first.plan();
                if (r.merge) a = withStaleWrites(a, b);
                if (writesUnderOldType(a))
                  stats['stale writes in the retyping plan'] =
                    (stats['stale writes in the retyping plan'] ?? 0) + 1;
                if (a.steps.length) await push(a, 'first');
                if (b.steps.length && writesRetyped(b, db))
                  stats['stale writes'] = (stats['stale writes'] ?? 0) + 1;
                if (b.steps.length) await push(b, 'second, based on the rows before the first');
              }
            } finally {
              db.close();
            }
          },
        ),
        {
          numRuns: RUNS,
          // Failures found by runs with fresh seeds, run first every time.
          examples: REGRESSIONS,
          ...(SEED ? { seed: Number(SEED) } : {}),
          ...(PATH ? { path: PATH } : {}),
        },
      );
      if (process.env['DIFF_STATS']) console.log(stats);
      // The generators must keep producing each outcome, or the test checks less than it says.
      expect(stats['ok'] ?? 0).toBeGreaterThan(0);
      if (RUNS >= 30 && !PATH) {
        expect(stats['conflict'] ?? 0, 'conflicts exercised').toBeGreaterThan(0);
        expect(stats['constraint'] ?? 0, 'constraint failures exercised').toBeGreaterThan(0);
        expect(stats['stale writes'] ?? 0, 'writes into retyped columns').toBeGreaterThan(0);
        expect(
          stats['stale writes in the retyping plan'] ?? 0,
          'writes into columns retyped in the same plan',
        ).toBeGreaterThan(0);
        expect(stats['stale refused'] ?? 0, 'stale writes refused').toBeGreaterThan(0);
      }
    },
    Math.max(300_000, RUNS * 10_000),
  );
});
