import * as aq from 'arquero';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/db/database-table';
import { createTableSteps } from '../../src/db/create-table-steps';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { STEP_ORDER, type ExecutionPlan } from '../../src/plan/execution-plan';
import { decodePlan, encodePlan } from '../../src/plan/plan-json';
import { quoteIdentifier as q } from '../../src/dialect/quote-identifier';
import { affinityOf } from '../../src/dialect/sqlite/affinity';
import { bytesEqual } from '../../src/values/values-equal';
import { cellText } from './dump';
import { exactlyEqual } from './exactly-equal';
import { planMutations } from './plan-mutations';

/**
 * Random and mutated plans pushed into a real database: every plan that is not exactly well
 * formed is refused with `invalid_plan` naming the field, and leaves the database, what is stored
 * and the pending edits exactly as they were; the plans it was made from apply in full.
 */

const TABLES = ['items', 'pairs', 'notes', 'bag'] as const;

/**
 * The tables the fuzz edits: an INTEGER key, a composite text key, the rowid, an untyped key (BLOB
 * affinity: integers beyond 2^53 stay integers only where they are bound as such).
 */
export async function createFuzzTables(db: Database): Promise<void> {
  await db.createTable(
    'items',
    aq.table({
      id: [1, 2, 3, 4],
      name: ['a', 'b', "O'Brien", 'd'],
      qty: [1, 2, null, 2n ** 60n],
      price: [0.5, 1, null, -2.25],
    }),
    { primaryKey: 'id', notNull: ['name'], types: { qty: 'INTEGER', price: 'REAL' } },
  );
  await db.createTable(
    'pairs',
    aq.table({ k1: ['x', 'x', 'y'], k2: [1, 2, 1], v: ['01067', null, 'z'] }),
    { primaryKey: ['k1', 'k2'], types: { k1: 'TEXT', k2: 'INTEGER', v: 'TEXT' } },
  );
  await db.createTable('notes', aq.table({ body: ['one', 'two'], n: [1, 2] }));
  await db.createTable(
    'bag',
    aq.table({ k: [2n ** 60n, -(2n ** 63n), 'k', 7], v: [2n ** 63n - 1n, null, 2n ** 60n, 'x'] }),
    { primaryKey: 'k', types: { k: '', v: '' } },
  );
  // Stored as the integers they are, not as the text sql.js binds a BigInt as.
  const integers = await db.query(
    "SELECT sum(typeof(k) = 'integer') AS k, sum(typeof(v) = 'integer') AS v FROM bag",
  );
  expect(integers.objects()).toEqual([{ k: 3, v: 2 }]);
}

/**
 * Each BigInt a plan inserts into a column of BLOB affinity (untyped, BLOB) is stored as that
 * integer (inserts run last: nothing else in the push writes the row after).
 */
async function expectIntegersStored(db: Database, plan: ExecutionPlan): Promise<void> {
  for (const step of plan.steps) {
    if (step.kind !== 'insert') continue;
    for (const [j, column] of step.columns.entries()) {
      if (affinityOf(step.types[j] ?? '') !== 'BLOB') continue;
      for (let i = 0; i < step.count; i++) {
        const v = step.values[j]![i];
        if (typeof v !== 'bigint') continue;
        const c = q(column);
        const found = await db.query(
          `SELECT count(*) AS n FROM ${q(step.table)} WHERE typeof(${c}) = 'integer' AND ${c} = ?`,
          [v],
        );
        expect(found.objects(), `${step.table}.${column} = ${v}n`).not.toEqual([{ n: 0 }]);
      }
    }
  }
}

type Edit =
  | { e: 'set'; t: number; row: number; col: number; v: number }
  | { e: 'insert'; t: number; v: number }
  | { e: 'delete'; t: number; row: number }
  | { e: 'rekey'; t: number; row: number; v: number }
  | { e: 'add' | 'rename' | 'drop' | 'retype'; t: number; col: number; v: number }
  | { e: 'index' | 'unindex'; t: number; col: number; v: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    e: fc.constant('set' as const),
    t: fc.nat(TABLES.length - 1),
    row: fc.nat(9),
    col: fc.nat(5),
    v: fc.nat(40),
  }),
  fc.record({ e: fc.constant('insert' as const), t: fc.nat(TABLES.length - 1), v: fc.nat(40) }),
  fc.record({ e: fc.constant('delete' as const), t: fc.nat(TABLES.length - 1), row: fc.nat(9) }),
  fc.record({
    e: fc.constant('rekey' as const),
    t: fc.nat(TABLES.length - 1),
    row: fc.nat(9),
    v: fc.nat(40),
  }),
  fc.record({
    e: fc.constantFrom('add' as const, 'rename' as const, 'drop' as const, 'retype' as const),
    t: fc.nat(TABLES.length - 1),
    col: fc.nat(5),
    v: fc.nat(40),
  }),
  fc.record({
    e: fc.constantFrom('index' as const, 'unindex' as const),
    t: fc.nat(TABLES.length - 1),
    col: fc.nat(5),
    v: fc.nat(5),
  }),
);

const TEXTS = ['', 'x', '0042', "it's", 'émoji 🎉', 'a"b', '\ufeff'];

/** Integers an untyped column keeps as integers: beyond 2^53, and both ends of 64 bits. */
const WIDE = [2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, -(2n ** 60n)];

/** A value for a column of `type`. */
function valueFor(type: string, v: number): unknown {
  if (v % 11 === 0) return null;
  if (type === 'TEXT') return TEXTS[v % TEXTS.length]! + (v > 20 ? String(v) : '');
  if (type === 'REAL') return v / 4;
  if (type === '' || type === 'BLOB') {
    // Integers beyond 2^53, text that reads as one, whole and fractional numbers.
    if (v % 5 === 1) return v % 2 ? WIDE[(v >> 1) % WIDE.length]! : 2n ** 61n + BigInt(v);
    if (v % 5 === 2) return String(2n ** 61n + BigInt(v));
    if (v % 5 === 3) return v / 4;
  }
  return v % 7 === 0 ? 2n ** 61n + BigInt(v) : v * 3;
}

/** Runs an edit; edits the table refuses are skipped. */
function apply(t: DatabaseTable, o: Edit): void {
  const cols = t.columns;
  const rows = t.table().objects() as Record<string, unknown>[];
  const keyOf = (r: Record<string, unknown>): unknown =>
    t.key.length === 1 ? r[t.key[0]!] : t.key.map((k) => r[k]);
  const live = rows.filter((r) => t.key.every((k) => r[k] !== null && r[k] !== undefined));
  try {
    switch (o.e) {
      case 'set': {
        const r = live[o.row % Math.max(1, live.length)];
        const c = cols.filter((x) => !x.key)[o.col % Math.max(1, cols.length - t.key.length)];
        if (r && c) t.set(keyOf(r) as never, c.name, valueFor(c.declaredType, o.v));
        return;
      }
      case 'insert': {
        const row: Record<string, unknown> = {};
        for (const c of cols) {
          if (c.key && t.key[0] !== 'rowid') row[c.name] = valueFor(c.declaredType, o.v + 100);
          else if (!c.key) row[c.name] = valueFor(c.declaredType, o.v) ?? 'n';
        }
        t.insert(row as never);
        return;
      }
      case 'delete': {
        const r = live[o.row % Math.max(1, live.length)];
        if (r) t.delete([keyOf(r)] as never);
        return;
      }
      case 'rekey': {
        // One column of the key (of a composite key: only that one moves), to a new value, or
        // swapped with the next row's (a move through temporary keys).
        const r = live[o.row % Math.max(1, live.length)];
        const keyCols = cols.filter((c) => c.key && c.name !== 'rowid');
        const k = keyCols[o.v % Math.max(1, keyCols.length)];
        if (!r || !k) return;
        const other = live[(o.row + 1) % live.length];
        if (o.v % 3 !== 0 || !other || other === r) {
          t.set(keyOf(r) as never, k.name, valueFor(k.declaredType, o.v + 200));
          return;
        }
        const parking = valueFor(k.declaredType, 398);
        const at = (row: Record<string, unknown>, v: unknown): unknown =>
          t.key.length === 1 ? v : t.key.map((c) => (c === k.name ? v : row[c]));
        t.set(keyOf(r) as never, k.name, parking);
        t.set(keyOf(other) as never, k.name, r[k.name]);
        t.set(at(r, parking) as never, k.name, other[k.name]);
        return;
      }
      case 'add':
        t.addColumn(`c${o.v}`, { type: ['TEXT', 'INTEGER', 'REAL', ''][o.v % 4]!, default: null });
        return;
      case 'rename': {
        const c = cols.filter((x) => !x.key)[o.col % Math.max(1, cols.length - t.key.length)];
        if (c) t.renameColumn(c.name, `r${o.v}`);
        return;
      }
      case 'drop': {
        const c = cols.filter((x) => !x.key)[o.col % Math.max(1, cols.length - t.key.length)];
        if (c) t.dropColumn(c.name);
        return;
      }
      case 'retype': {
        const c = cols.filter((x) => !x.key)[o.col % Math.max(1, cols.length - t.key.length)];
        if (c)
          t.retypeColumn(c.name, ['TEXT', 'INTEGER', 'REAL', ''][o.v % 4]!, { invalid: 'keep' });
        return;
      }
      case 'index': {
        // Not UNIQUE: stored rows may share values, and a well-formed plan must apply.
        const c = cols.filter((x) => !x.key)[o.col % Math.max(1, cols.length - t.key.length)];
        if (c) t.createIndex(`ix_${t.name}_${o.v}`, o.v % 2 ? [c.name, t.key[0]!] : c.name);
        return;
      }
      case 'unindex':
        t.dropIndex(`ix_${t.name}_${o.v}`);
        return;
    }
  } catch (e) {
    if (!(e instanceof PandalchemyError)) throw e;
  }
}

/** Everything a user sees of the loaded tables: rows, columns, pending changes. */
function tablesState(tables: readonly DatabaseTable[]): string {
  return tables
    .map((t) =>
      [
        JSON.stringify(t.changeCounts()),
        t.columns.map((c) => `${c.name} ${c.declaredType}`).join(','),
        ...(t.table().objects() as Record<string, unknown>[]).map((r) =>
          Object.entries(r)
            .map(([k, v]) => `${k}=${cellText(v)}`)
            .join(' '),
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

/**
 * The schema and the fuzz tables' rows (`all`: every table's), rowids included. The file's bytes,
 * compared too, cover the tables the fuzz created.
 */
export async function dump(db: Database, all = false): Promise<string> {
  const schema = (
    await db.query('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name')
  ).objects() as { type: string; name: string; sql: string }[];
  const out = [JSON.stringify(schema)];
  for (const s of schema) {
    if (s.type !== 'table' || !(all || (TABLES as readonly string[]).includes(s.name))) continue;
    const rows = await db.query(`SELECT _rowid_ AS "rowid:", * FROM ${q(s.name)} ORDER BY 1`);
    out.push(
      ...(rows.objects() as Record<string, unknown>[]).map((r) =>
        Object.values(r).map(cellText).join(','),
      ),
    );
  }
  return out.join('\n');
}

/** The database holds exactly what the loaded tables show. */
async function expectStored(db: Database, tables: readonly DatabaseTable[]): Promise<void> {
  for (const t of tables) {
    const names = t.columns
      .filter((c) => !(c.key && t.info.key.kind === 'rowid'))
      .map((c) => c.name);
    const shown = (t.table().objects() as Record<string, unknown>[])
      .map((r) => names.map((n) => cellText(r[n])).join(','))
      .sort();
    const rows = (await db.query(`SELECT * FROM ${q(t.name)}`)).objects() as Record<
      string,
      unknown
    >[];
    const stored = rows.map((r) => names.map((n) => cellText(r[n])).join(',')).sort();
    expect(stored, `${t.name}: stored rows`).toEqual(shown);
  }
}

/** Arbitrary values as plans: whatever they are, they are refused. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withTypedArray: true }),
  fc.record({
    version: fc.constant(1),
    steps: fc.array(fc.anything({ withBigInt: true }), { minLength: 1 }),
  }),
  fc.record({
    version: fc.constant(1),
    steps: fc.array(
      fc.record({
        // Every kind but dropTable needs more fields than these.
        kind: fc.constantFrom(...Object.keys(STEP_ORDER).filter((k) => k !== 'dropTable')),
        table: fc.constantFrom(...TABLES),
      }),
      { minLength: 1 },
    ),
  }),
);

type Case =
  | { c: 'mutated'; edits: Edit[]; create: boolean; pick: number }
  | { c: 'valid'; edits: Edit[]; create: boolean }
  | { c: 'junk'; plan: unknown };

const fuzzCase: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      c: fc.constant('mutated' as const),
      edits: fc.array(edit, { minLength: 1, maxLength: 6 }),
      create: fc.boolean(),
      pick: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      c: fc.constant('valid' as const),
      edits: fc.array(edit, { minLength: 1, maxLength: 6 }),
      create: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('junk' as const), plan: junk }) },
);

/** What the fuzz saw, for its report. */
export interface FuzzReport {
  refused: number;
  applied: number;
  mutations: Set<string>;
}

/** Called around the push of each valid plan (to record what runs, say). */
export interface FuzzObserver {
  before(plan: ExecutionPlan): void;
  after(plan: ExecutionPlan): void;
}

/**
 * Runs `runs` cases against `db` (holding the fuzz tables): each mutated or junk plan must be
 * refused with `invalid_plan` and change nothing; each valid plan (the tables' own, with a
 * created table in front or not) must apply in full.
 */
export async function planFuzz(
  db: Database,
  runs: number,
  seed?: number,
  observer?: FuzzObserver,
): Promise<FuzzReport> {
  const tables = await Promise.all(TABLES.map((n) => db.table(n)));
  const report: FuzzReport = { refused: 0, applied: 0, mutations: new Set() };
  let made = 0;
  await fc.assert(
    fc.asyncProperty(fuzzCase, async (c) => {
      for (const t of tables) t.discard();
      let plan: unknown;
      let scope = 'plan';
      if (c.c !== 'junk') for (const o of c.edits) apply(tables[o.t]!, o);
      // A push with nothing to push builds no plan: there is always something.
      for (let n = 0; !tables.some((t) => t.hasChanges); n++)
        apply(tables[n % TABLES.length]!, {
          e: n < TABLES.length ? 'set' : 'add',
          t: 0,
          row: 0,
          col: 0,
          v: made++,
        });
      if (c.c === 'junk') {
        plan = c.plan;
      } else {
        let built: ExecutionPlan = db.plan();
        if (c.create) {
          const name = `fz_${made++}`;
          // Declared constraints and an index: their fields are mutated too.
          const create = createTableSteps(name, aq.table({ id: [1, 2], v: ['a', null] }), {
            primaryKey: 'id',
            unique: ['v'],
            checks: ["v <> 'never'"],
            columnChecks: { id: 'id > 0' },
            indexes: [{ name: `${name}_v`, columns: ['v', 'id'], unique: made % 2 === 0 }],
          });
          const steps = [...create, ...built.steps].sort(
            (a, b) => STEP_ORDER[a.kind] - STEP_ORDER[b.kind],
          );
          built = { ...built, steps };
        }
        if (c.c === 'valid') {
          if (!built.steps.length) return;
          // The plan crosses the wire format (JSON text) on its way: exactly, so it applies in full.
          const wire = decodePlan(encodePlan(built));
          expect(exactlyEqual(wire, built)).toBeNull();
          observer?.before(wire);
          await db.push({ passes: [() => wire] });
          observer?.after(wire);
          report.applied++;
          await expectStored(db, tables);
          await expectIntegersStored(db, wire);
          for (const t of tables) expect(t.hasChanges, `${t.name} pushed`).toBe(false);
          const created = built.steps.find((s) => s.kind === 'createTable');
          if (created) {
            expect(db.tableNames()).toContain(created.table);
            await db.dropTable(created.table);
          }
          return;
        }
        const mutations = planMutations(built);
        const m = mutations[c.pick % mutations.length]!;
        report.mutations.add(m.what.replace(/\d+/g, 'N'));
        plan = m.apply(built);
        scope = m.path.replace(/^(steps\[\d+\]).*$/, '$1').replace(/^basis\[\d+\].*$/, 'basis');
        if (m.what.includes('swapped')) scope = 'steps';
      }
      const before = {
        state: tablesState(tables),
        stored: await dump(db),
        bytes: await db.export(),
      };
      let error: unknown;
      try {
        await db.push({ passes: [() => plan as ExecutionPlan] });
      } catch (e) {
        error = e;
      }
      expect(error, 'a malformed plan was accepted').toBeInstanceOf(PandalchemyError);
      const e = error as PandalchemyError;
      expect(e.code, e.message).toBe('invalid_plan');
      if (scope !== 'plan')
        expect(e.field, e.message).toMatch(new RegExp(`^${scope.replace(/[[\]]/g, '\\$&')}`));
      expect(e.message).toContain(e.field ?? 'plan');
      report.refused++;
      expect(tablesState(tables)).toBe(before.state);
      expect(await dump(db)).toBe(before.stored);
      expect(bytesEqual(await db.export(), before.bytes), 'the file changed').toBe(true);
    }),
    { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
  );
  return report;
}
