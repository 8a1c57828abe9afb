import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  PandalchemyError,
  openDatabase,
  type Database,
  type OpenDatabaseOptions,
} from '../../src/index';

const open: Database[] = [];

/** Opens a database with a name no other test uses. */
async function fresh(
  name = `t-${crypto.randomUUID()}`,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const db = await openDatabase(name, options);
  open.push(db);
  return db;
}

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<PandalchemyError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const objects = (t: aq.ColumnTable | { table(): aq.ColumnTable }): object[] =>
  ('objects' in t ? t : t.table()).objects();

describe('Database', () => {
  it('open, create, edit every way, push, reopen in a fresh worker: same data', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const db = await fresh(name);
    const people = await db.createTable(
      'people',
      aq.table({ id: [1, 2, 3], name: ['Ada', 'Bob', 'Cy'], age: [36, 41, 29] }),
      { primaryKey: 'id' },
    );
    people.set(1, 'age', 37);
    people.update(2, { name: 'Bobby' });
    people.insert({ id: 4, name: 'Dee', age: 50 });
    people.delete(3);
    people.addColumn('email', { type: 'TEXT', default: 'none' });
    people.set(4, 'email', 'dee@example.org');
    people.renameColumn('name', 'full_name');
    const result = await db.push();
    expect(result.tables).toEqual(['people']);
    expect(result.bytesPersisted).toBeGreaterThan(0);
    expect(people.hasChanges).toBe(false);
    const expected = [
      { id: 1, full_name: 'Ada', age: 37, email: 'none' },
      { id: 2, full_name: 'Bobby', age: 41, email: 'none' },
      { id: 4, full_name: 'Dee', age: 50, email: 'dee@example.org' },
    ];
    expect(objects(people)).toEqual(expected);
    await db.close();

    const again = await fresh(name);
    expect(again.tableNames()).toEqual(['people']);
    expect(objects(await again.table('people'))).toEqual(expected);
  });

  it('after a push tables hold what the database decided: assigned keys and defaults', async () => {
    const db = await fresh();
    const notes = await db.createTable('notes', aq.table({ id: [1], body: ['first'] }), {
      primaryKey: 'id',
      autoIncrement: true,
      defaults: { body: 'empty' },
    });
    notes.insert([{ body: 'second' }, {}]);
    await notes.push();
    expect(objects(notes)).toEqual([
      { id: 1, body: 'first' },
      { id: 2, body: 'second' },
      { id: 3, body: 'empty' },
    ]);
  });

  it("a push moves its own plan's buffers to the worker, never an array the app or the table holds", async () => {
    const db = await fresh();
    const ids = Float64Array.of(1, 2, 3);
    const prices = Float64Array.of(1.5, 2.5, 3.5);
    const t = await db.createTable('p', aq.table({ id: ids, price: prices }), {
      primaryKey: 'id',
    });
    const next = Float64Array.of(10.5, 20.5, 30.5);
    t.assign('price', next);
    await t.push();
    // A pass of the app's may put arrays of its own in the plan: those are copied.
    const mine = Float64Array.of(2);
    t.set(2, 'price', 0);
    await t.push({
      passes: [
        (plan) => ({
          ...plan,
          steps: plan.steps.map((s) => (s.kind === 'update' ? { ...s, keys: [mine] } : s)),
        }),
      ],
    });
    expect([...ids, ...prices, ...next, ...mine]).toEqual([
      1, 2, 3, 1.5, 2.5, 3.5, 10.5, 20.5, 30.5, 2,
    ]);
    expect(objects(t)).toEqual([
      { id: 1, price: 10.5 },
      { id: 2, price: 0 },
      { id: 3, price: 30.5 },
    ]);
    expect((await db.query('SELECT id, price FROM p ORDER BY id')).objects()).toEqual(objects(t));
  });

  it('pushes several tables in one transaction: all or nothing', async () => {
    const db = await fresh();
    const a = await db.createTable('a', aq.table({ id: [1], v: ['x'] }), { primaryKey: 'id' });
    const b = await db.createTable('b', aq.table({ id: [1], v: ['x'] }), {
      primaryKey: 'id',
      notNull: ['v'],
    });
    a.set(1, 'v', 'changed');
    b.insert({ id: 2, v: 'y' });
    // Sneak a NULL past the table (as a plan pass would) so that SQLite refuses the push.
    const err = await errorOf(
      db.push({
        passes: [
          (plan) => ({
            ...plan,
            steps: plan.steps.map((s) =>
              s.kind === 'insert' && s.table === 'b' ? { ...s, values: [s.values[0]!, [null]] } : s,
            ),
          }),
        ],
      }),
    );
    expect(err.code).toBe('constraint');
    expect(err.table).toBe('b');
    // Nothing was written and every edit is kept.
    expect(a.changeCounts().updates).toBe(1);
    expect(b.changeCounts().inserts).toBe(1);
    expect(objects(await db.query('SELECT * FROM a'))).toEqual([{ id: 1, v: 'x' }]);
    // Fixed, it goes through, both tables at once.
    const result = await db.push();
    expect([...result.tables].sort()).toEqual(['a', 'b']);
    expect(objects(await db.query('SELECT v FROM a'))).toEqual([{ v: 'changed' }]);
    expect(objects(await db.query('SELECT count(*) AS n FROM b'))).toEqual([{ n: 2 }]);
  });

  it('a table created from CSV and from Arrow round-trips its types', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const db = await fresh(name);
    await db.createTable(
      'cities',
      { csv: 'id,zip,pop,big\n1,04567,1.5,9007199254740993\n2,10001,2,1\n' },
      {
        primaryKey: 'id',
      },
    );
    const arrowSource = aq.table({
      k: [1, 2],
      when: [new Date('2024-01-02T03:04:05Z'), null],
      ok: [true, false],
    });
    await db.createTable('events', { arrow: arrowSource.toArrowIPC() }, { primaryKey: 'k' });
    await db.close();
    const again = await fresh(name);
    const cities = await again.table('cities');
    expect(cities.columns.map((c) => `${c.name}:${c.declaredType}`)).toEqual([
      'id:INTEGER',
      'zip:TEXT',
      'pop:REAL',
      'big:INTEGER',
    ]);
    expect(cities.get(1, 'zip')).toBe('04567');
    expect(cities.get(1, 'big')).toBe(9007199254740993n);
    const events = await again.table('events');
    expect(events.get(1, 'when')).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(events.get(2, 'ok')).toBe(false);
  });

  it('refuses a stale edit with a conflict naming keys and columns; edits of other columns both survive', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const one = await fresh(name);
    await one.createTable('t', aq.table({ id: [1, 2], a: ['a', 'a'], b: ['b', 'b'] }), {
      primaryKey: 'id',
    });
    const two = await fresh(name);
    const t1 = await one.table('t');
    const t2 = await two.table('t');
    t1.set(1, 'a', 'one');
    t2.set(1, 'b', 'two');
    t2.set(2, 'a', 'two');
    await t1.push();
    // Row 1 column b and row 2 column a were not changed by `one`: no conflict.
    t1.set(1, 'b', 'pending');
    await t2.push();
    // t1 has pending edits, so it has not taken t2's commit in: this edit is based on stale data.
    t1.set(2, 'a', 'stale');
    const err = await errorOf(t1.push());
    expect(err).toBeInstanceOf(ConflictError);
    // Row 1 column b was changed by `two` after `one` read it, too.
    expect((err as ConflictError).conflicts).toEqual([
      { table: 't', key: [1], columns: ['b'], missing: false },
      { table: 't', key: [2], columns: ['a'], missing: false },
    ]);
    expect(t1.changeCounts().updates).toBe(2);
    await t1.push({ conflict: 'overwrite' });
    await t2.refresh();
    expect(objects(t2)).toEqual([
      { id: 1, a: 'one', b: 'pending' },
      { id: 2, a: 'stale', b: 'b' },
    ]);
  });

  it('hears other instances commits, and refresh rebases pending edits', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const one = await fresh(name);
    await one.createTable('t', aq.table({ id: [1, 2, 3], v: [1, 2, 3] }), { primaryKey: 'id' });
    const two = await fresh(name);
    const t2 = await two.table('t');
    const heard = new Promise<string[]>((resolve) =>
      two.on('change', (e) => resolve([...e.tables])),
    );
    t2.set(3, 'v', 30);
    const t1 = await one.table('t');
    t1.set(1, 'v', 10);
    t1.delete(2);
    await t1.push();
    expect(await heard).toEqual(['t']);
    expect(t2.stale).toBe(true);
    const conflicts = await t2.refresh();
    expect(conflicts).toEqual([]);
    expect(objects(t2)).toEqual([
      { id: 1, v: 10 },
      { id: 3, v: 30 },
    ]);
    await t2.push();
    expect(objects(await one.query('SELECT * FROM t ORDER BY id'))).toEqual([
      { id: 1, v: 10 },
      { id: 3, v: 30 },
    ]);
  });

  it('keeps pending edits when another instance replaces the database (import, checkpoint): refresh reports the conflicts (found by the tabs test)', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const one = await fresh(name);
    await one.createTable('t', aq.table({ id: [1, 2], v: [0, 0], w: [0, 0] }), {
      primaryKey: 'id',
    });
    const two = await fresh(name);
    const t2 = await two.table('t');
    t2.update(1, { v: 1, w: 1 });
    const t1 = await one.table('t');
    t1.set(1, 'v', 5);
    await t1.push();
    const pushed = one.seq;
    const heard = new Promise<void>((resolve) =>
      two.on('change', (e) => {
        if (e.seq > pushed) resolve();
      }),
    );
    // Only a snapshot tells what an import did: the other instance has to read the table again.
    await one.import(await one.export());
    await heard;
    expect(t2.stale).toBe(true);
    expect(t2.changeCounts().updates).toBe(1);
    const err = await errorOf(t2.push());
    expect(err).toBeInstanceOf(ConflictError);
    expect(t2.row(1)).toEqual({ id: 1, v: 1, w: 1 });
    const conflicts = await t2.refresh();
    expect(conflicts.map((c) => [c.key, c.columns])).toEqual([[[1], ['v']]]);
    // Taking theirs for v keeps the uncontested edit of w.
    expect(t2.row(1)).toEqual({ id: 1, v: 5, w: 1 });
    await t2.push();
    await one.checkpoint();
    expect(objects(await one.query('SELECT * FROM t ORDER BY id'))).toEqual([
      { id: 1, v: 5, w: 1 },
      { id: 2, v: 0, w: 0 },
    ]);
  });

  it('loads with progress and queries read-only', async () => {
    const db = await fresh();
    const n = 120_000;
    await db.createTable(
      'big',
      aq.table({
        id: Array.from({ length: n }, (_, i) => i),
        v: Array.from({ length: n }, (_, i) => i * 2),
      }),
      {
        primaryKey: 'id',
      },
    );
    const name = db.name;
    await db.close();
    const again = await fresh(name);
    const seen: number[] = [];
    const big = await again.table('big', { onProgress: (p) => seen.push(p.done) });
    expect(big.numRows).toBe(n);
    expect(seen.at(-1)).toBe(n);
    expect(seen.length).toBeGreaterThan(2);
    expect((await errorOf(again.query('DELETE FROM big'))).code).toBe('invalid_sql');
  });

  it('export and import round-trip a database; a non-SQLite file is refused and nothing changes', async () => {
    const db = await fresh();
    await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
    const bytes = await db.export();
    const other = await fresh();
    await other.import(bytes);
    expect(objects(await other.table('t'))).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    const err = await errorOf(other.import(new TextEncoder().encode('not a database at all')));
    expect(err.code).toBe('not_sqlite');
    expect(other.tableNames()).toEqual(['t']);
  });

  it('typed errors survive the worker boundary; closed databases refuse calls', async () => {
    const db = await fresh();
    const err = await errorOf(db.table('nope'));
    expect(err.code).toBe('unknown_table');
    await db.close();
    expect((await errorOf(db.query('SELECT 1'))).code).toBe('closed');
    expect((await errorOf(db.table('t'))).code).toBe('closed');
  });
});
