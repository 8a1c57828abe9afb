import * as aq from 'arquero';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteDatabase,
  openDatabase,
  type Database,
  type DatabaseTable,
  type DraftEvent,
  type OpenDatabaseOptions,
  type RebaseConflict,
  type TrackedTable,
} from '../../src/index';
import { draftsStorageName } from '../../src/drafts/draft-store';
import { PART } from '../../src/drafts/encode-delta';
import { BIG_ARRAY } from '../../src/drafts/big-arrays';
import { startFaultWorker, until } from '../support/fault-worker-client';

const open: Database[] = [];
const names: string[] = [];

async function openDb(name: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const db = await openDatabase(name, options);
  open.push(db);
  return db;
}

async function newDb(): Promise<{ name: string; db: Database }> {
  const name = `drafts-${crypto.randomUUID()}`;
  names.push(name);
  const db = await openDb(name);
  await db.createTable(
    'items',
    aq.table({
      id: [1, 2, 3, 4],
      name: ['a', 'b', 'c', 'd'],
      big: [1n, 2n, 3n, 4n],
      blob: [new Uint8Array([1]), null, null, null],
      r: [0.5, 1.5, 2.5, 3.5],
    }),
    { primaryKey: 'id', types: { big: 'INTEGER', blob: 'BLOB', r: 'REAL' } },
  );
  return { name, db };
}

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const name of names.splice(0)) await deleteDatabase(name);
});

/** What a user sees of a table's pending state (exact values, history and all). */
/** A table `items` of `n` rows keyed by `id` 1..n, with a text column (and `qty` if asked). */
async function createItems(db: Database, n: number, { qty = false } = {}): Promise<void> {
  const columns: Record<string, unknown[]> = {
    id: Array.from({ length: n }, (_, i) => i + 1),
    name: Array.from({ length: n }, (_, i) => `row ${i}`),
  };
  if (qty) columns['qty'] = Array.from({ length: n }, (_, i) => i);
  await db.createTable('items', aq.table(columns), { primaryKey: 'id' });
}

function seen(t: TrackedTable): unknown {
  const tag = (_: string, v: unknown): unknown =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v;
  return {
    rows: JSON.stringify(t.table().objects(), tag),
    changes: JSON.stringify(t.changes(), tag),
    sql: t.toSql(),
    operations: t.operations(),
    canUndo: t.canUndo,
    canRedo: t.canRedo,
  };
}

/** How many drafts (heads) are stored, and how many records they have in all. */
async function rawDrafts(name: string): Promise<number> {
  return (await rawCounts(name)).drafts;
}

async function rawCounts(name: string): Promise<{ drafts: number; records: number }> {
  const idb = await openDB(draftsStorageName(name), 2, {
    upgrade(db) {
      db.createObjectStore('drafts');
      db.createObjectStore('chunks');
    },
  });
  const drafts = await idb.count('drafts');
  const records = await idb.count('chunks');
  idb.close();
  return { drafts, records };
}

/**
 * The draft of `name`'s items, closed, reopened after another writer (drafts off: it must not
 * take the draft) committed `theirs`: it must be rebased to what a session kept open with the
 * same edits (`mine`) gets from refresh(), and report the conflicts that refresh() reports.
 */
async function rebasedLikeRefresh(
  name: string,
  mine: (t: DatabaseTable) => unknown,
  theirs: (t: DatabaseTable) => unknown,
): Promise<{ r: DatabaseTable; expected: readonly RebaseConflict[] }> {
  const live = await openDb(name, { drafts: false });
  const l = await live.table('items');
  mine(l);
  const other = await openDb(name, { drafts: false });
  const o = await other.table('items');
  theirs(o);
  await o.push();
  await other.close();
  const expected = await l.refresh();
  const again = await openDb(name);
  const events: DraftEvent[] = [];
  again.drafts.on((e) => events.push(e));
  const r = await again.table('items');
  expect(events).toEqual([
    expect.objectContaining({ type: 'restored', rebased: true, conflicts: expected }),
  ]);
  expect(seen(r)).toEqual({ ...(seen(l) as object), operations: [], canUndo: false });
  return { r, expected };
}

describe('drafts: pending edits saved in this browser', () => {
  it('survive a reopen with their undo and redo history, and are cleared by a push', async () => {
    const { name, db } = await newDb();
    const t = await db.table('items');
    t.set(1, 'name', 'Ada')
      .set(2, 'big', 2n ** 62n + 1n)
      .set(3, 'blob', new Uint8Array([0, 255]));
    t.set(4, 'r', null)
      .insert({ id: 9, name: 'new', big: -(2n ** 63n) })
      .delete(2);
    t.addColumn('note', { type: 'TEXT', values: (d: Record<string, unknown>) => `#${d['id']}` });
    t.set(1, 'name', 'Grace');
    expect(t.undo()).toBe(true);
    const before = seen(t);
    await db.drafts.flush();
    expect(db.drafts.status()).toEqual([
      expect.objectContaining({ table: 'items', undoable: 7, redoable: 1, saved: true }),
    ]);
    await db.close();

    const again = await openDb(name);
    const events: DraftEvent[] = [];
    again.drafts.on((e) => events.push(e));
    const r = await again.table('items');
    expect(seen(r)).toEqual(before);
    expect(events).toEqual([
      expect.objectContaining({ type: 'restored', table: 'items', rebased: false, conflicts: [] }),
    ]);
    expect(r.redo()).toBe(true);
    expect(r.get(1, 'name')).toBe('Grace');
    for (let i = 0; i < 8; i++) expect(r.undo()).toBe(true);
    expect(r.hasChanges).toBe(false);
    for (let i = 0; i < 8; i++) expect(r.redo()).toBe(true);
    await r.push();
    expect((await again.query('SELECT name, note FROM items WHERE id = 1')).objects()).toEqual([
      { name: 'Grace', note: '#1' },
    ]);
    expect(await rawDrafts(name)).toBe(0);
    await again.close();

    const third = await openDb(name);
    const t3 = await third.table('items');
    expect(t3.hasChanges).toBe(false);
    expect(t3.get(2, 'name')).toBeUndefined();
  });

  it("rebase onto another writer's commits, reporting conflicts exactly as refresh() does", async () => {
    const { name, db } = await newDb();
    const t = await db.table('items');
    t.delete(4);
    await db.drafts.flush();
    // Appended after the draft's first save: single-cell edits, saved without their rows' net
    // changes, which the rebase works out from the edits.
    const written: unknown[] = [];
    db.drafts.observeWrites((v) => written.push(v));
    t.set(1, 'name', 'mine').set(3, 'name', 'also mine');
    await db.drafts.flush();
    expect(written).toContainEqual(expect.objectContaining({ delta: true, events: 'tt' }));
    expect(written.some((v) => (v as { net?: unknown }).net !== undefined)).toBe(false);
    await db.close();

    const { r, expected } = await rebasedLikeRefresh(
      name,
      (l) => l.delete(4).set(1, 'name', 'mine').set(3, 'name', 'also mine'),
      (o) => o.set(1, 'name', 'theirs').set(4, 'name', 'changed'),
    );
    expect(expected.length).toBe(2);
    expect(r.get(1, 'name')).toBe('theirs');
    expect(r.get(3, 'name')).toBe('also mine');
  });

  it('made on a table dropped and created again since report every edit, none kept, as refresh() does', async () => {
    const { name, db } = await newDb();
    const mine = (t: DatabaseTable): unknown =>
      t.set(1, 'name', 'mine').delete(2).insert({ id: 9, name: 'new' });
    mine(await db.table('items'));
    await db.drafts.flush();
    await db.close();
    // A table live through the same commits, refreshed: what the restore must report.
    const live = await openDb(name, { drafts: false });
    const l = await live.table('items');
    mine(l);
    const other = await openDb(name, { drafts: false });
    await other.dropTable('items');
    await other.createTable('items', aq.table({ id: [1, 2], name: ['x', 'y'] }), {
      primaryKey: 'id',
    });
    await other.close();
    const expected = await l.refresh();
    expect(expected.map((c) => [c.type, c.key, c.kept])).toEqual([
      ['delete', [2], false],
      ['update', [1], false],
      ['insert', [9], false],
    ]);
    const again = await openDb(name);
    const events: DraftEvent[] = [];
    again.drafts.on((e) => events.push(e));
    const r = await again.table('items');
    expect(events).toEqual([
      expect.objectContaining({ type: 'restored', rebased: true, conflicts: expected }),
    ]);
    // Row 1 and 2 of the new table are other rows: none of the edits went onto them.
    expect(r.hasChanges).toBe(false);
    expect(r.table().objects()).toEqual([
      { id: 1, name: 'x' },
      { id: 2, name: 'y' },
    ]);
  });

  it('write a whole-column change as a base and records of its rows, and rebase it as refresh() does', async () => {
    const name = `drafts-${crypto.randomUUID()}`;
    names.push(name);
    const db = await openDb(name);
    const n = 5000;
    await createItems(db, n, { qty: true });
    const t = await db.table('items');
    const double = (d: Record<string, unknown>): number => (d['qty'] as number) * 2 + 1;
    t.assign('qty', double);
    const written: unknown[] = [];
    db.drafts.observeWrites((v) => written.push(v));
    await db.drafts.flush();
    db.drafts.observeWrites(null);
    // The base holds the pending state, not a change per row: those follow, PART rows a record.
    const [base, ...rest] = written as Record<string, unknown>[];
    const parts = rest.filter((v) => v['delta'] === true);
    expect(base).toMatchObject({ net: { updates: [], inserts: [], deletes: [] } });
    expect(parts.length).toBe(Math.ceil(n / PART));
    for (const p of parts) {
      expect(p['events']).toBe('');
      expect((p['net'] as { rows: Int32Array }).rows.length).toBeLessThanOrEqual(PART);
    }
    await db.close();

    const { r, expected } = await rebasedLikeRefresh(
      name,
      (l) => l.assign('qty', double),
      (o) => o.set(1, 'qty', -1).set(n, 'name', 'theirs'),
    );
    expect(expected.length).toBe(1);
    expect(r.changeCounts().updates).toBe(n - 1);
  });

  it("keep a whole column's values in records after the base, and read them back as they were", async () => {
    const name = `drafts-${crypto.randomUUID()}`;
    names.push(name);
    const holder = await openDb(name);
    const n = 2 * BIG_ARRAY;
    await createItems(holder, n);
    // A second session in this tab (the first holds the tab's id) makes the draft: closed, it is
    // left for the next session without one of its own to take, records and all.
    const db = await openDb(name);
    const t = await db.table('items');
    t.assign('name', (d: Record<string, unknown>) => (d['name'] as string) + ' ✓');
    t.set(3, 'name', 'after');
    const written: unknown[] = [];
    db.drafts.observeWrites((v) => written.push(v));
    await db.drafts.flush();
    db.drafts.observeWrites(null);
    const [base, ...rest] = written as Record<string, unknown>[];
    // The base holds a mark where the column's million-row array would be, once for the column
    // and the assign that made it (one array: they share it), and the runs of it follow.
    const marks = JSON.stringify(base).match(/"pandalchemyArray":0,/g) ?? [];
    expect(marks.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(base)).not.toContain('"pandalchemyArray":1,');
    const slices = rest.filter((v) => v['slice'] === true);
    expect(slices.length).toBeGreaterThan(5);
    expect(slices.reduce((k, v) => k + (v['values'] as unknown[]).length, 0)).toBe(n);
    for (const v of slices) expect(sizeOf(v)).toBeLessThan(64 * 1024);
    const before = seen(t);
    const records = (await rawCounts(name)).records;
    // Every value handed over but the head, written last, is a record.
    expect(records).toBe(written.length - 1);
    expect(records).toBeGreaterThan(32);
    await db.close();

    const again = await openDb(name);
    const events: DraftEvent[] = [];
    again.drafts.on((e) => events.push(e));
    const r = await again.table('items');
    expect(events).toEqual([expect.objectContaining({ type: 'restored', rebased: false })]);
    // Taken whole: every record moved to the new session, none left behind.
    expect(await rawCounts(name)).toEqual({ drafts: 1, records });
    expect(seen(r)).toEqual(before);
    // The history came back too: undo the edit, then the assign.
    expect(r.undo()).toBe(true);
    expect(r.get(3, 'name')).toBe('row 2 ✓');
    expect(r.undo()).toBe(true);
    expect(r.hasChanges).toBe(false);
  });

  it('are not saved while their push is in flight; edits a failed push leaves are saved after it', async () => {
    // Saved during the push, a draft copies every pending edit only to be deleted when the push
    // lands (seconds of the page's time after a whole-column transform of a million rows).
    const name = `drafts-${crypto.randomUUID()}`;
    names.push(name);
    const { worker, faults } = startFaultWorker();
    const db = await openDatabase(name, { worker });
    await db.createTable('items', aq.table({ id: [1, 2], name: ['a', 'b'] }), { primaryKey: 'id' });
    const t = await db.table('items');
    const events: DraftEvent[] = [];
    db.drafts.on((e) => events.push(e));
    t.set(1, 'name', 'pending');
    await faults.setFault({ point: 'append', action: 'hang' });
    const pushed = t.push().catch((e: unknown) => e);
    try {
      await until(() => faults.faultHit());
      // Well past the pause after which the timer saves (150 ms, checked every 100 ms).
      await new Promise((r) => setTimeout(r, 600));
      expect(events).toEqual([]);
    } finally {
      worker.terminate();
    }
    expect(await pushed).toMatchObject({ code: 'worker_died' });
    await until(async () => events.length > 0);
    expect(events).toEqual([
      expect.objectContaining({ type: 'saved', table: 'items', changes: 1 }),
    ]);
    expect(await rawDrafts(name)).toBe(1);
    await db.close().catch(() => undefined);
  });

  it('with drafts: false save nothing', async () => {
    const { name, db } = await newDb();
    await db.close();
    const off = await openDb(name, { drafts: false });
    expect(off.drafts.enabled).toBe(false);
    const t = await off.table('items');
    t.set(1, 'name', 'lost');
    await new Promise((r) => setTimeout(r, 1300));
    await off.drafts.flush();
    await off.close();
    expect(await rawDrafts(name)).toBe(0);
    const again = await openDb(name);
    expect((await again.table('items')).hasChanges).toBe(false);
  });

  it('drop a corrupt draft with a typed warning, never a crash', async () => {
    const { name, db } = await newDb();
    (await db.table('items')).set(1, 'name', 'x');
    await db.drafts.flush();
    await db.close();
    const idb = await openDB(draftsStorageName(name), 2);
    const keys = await idb.getAllKeys('chunks');
    // Its base, then the record of its one changed row's net change.
    expect(keys.length).toBe(2);
    const draft = (await idb.get('chunks', keys[0]!)) as Record<string, unknown>;
    await idb.put('chunks', { ...draft, pending: { columns: 'spoilt' } }, keys[0]!);
    idb.close();

    const again = await openDb(name);
    const events: DraftEvent[] = [];
    again.drafts.on((e) => events.push(e));
    const t = await again.table('items');
    expect(t.hasChanges).toBe(false);
    expect(events.length).toBe(1);
    const e = events[0]!;
    expect(e.type).toBe('dropped');
    expect(e.type === 'dropped' && e.error.code).toBe('draft_invalid');
    expect(await rawCounts(name)).toEqual({ drafts: 0, records: 0 });
    t.set(2, 'name', 'still editable');
    await t.push();
  });

  it('of two open sessions never overwrite each other; a new session takes one nobody holds', async () => {
    const { name, db } = await newDb();
    const second = await openDb(name);
    (await db.table('items')).set(1, 'name', 'first');
    (await second.table('items')).set(2, 'name', 'second');
    await db.drafts.flush();
    await second.drafts.flush();
    expect(await rawDrafts(name)).toBe(2);
    await second.close();
    await db.close();

    // This tab reopens: its own draft. Another session at the same time: the one left over.
    const reopened = await openDb(name);
    const other = await openDb(name);
    const a = await reopened.table('items');
    const b = await other.table('items');
    expect(a.get(1, 'name')).toBe('first');
    expect(a.get(2, 'name')).toBe('b');
    expect(b.get(2, 'name')).toBe('second');
    expect(b.get(1, 'name')).toBe('a');
    expect(await rawDrafts(name)).toBe(2);
  });

  it('append what changed since the last save: a save after N more edits writes O(N), not the whole draft', async () => {
    const name = `drafts-${crypto.randomUUID()}`;
    names.push(name);
    const db = await openDb(name);
    const n = 3000;
    await createItems(db, n, { qty: true });
    const t = await db.table('items');
    let handed = 0;
    db.drafts.observeWrites((v) => (handed += sizeOf(v)));
    let k = 0;
    const edits = (count: number): void => {
      for (let i = 0; i < count; i++, k++) t.set(((k * 7919) % n) + 1, 'qty', -k - 1);
    };
    const save = async (): Promise<number> => {
      handed = 0;
      await db.drafts.flush();
      return handed;
    };
    edits(2000);
    const changedRows = t.changeCounts().updates;
    const whole = await save();
    edits(20);
    const twenty = await save();
    edits(400);
    const fourHundred = await save();
    for (let i = 0; i < 20; i++) t.undo();
    const undone = await save();
    expect(twenty).toBeLessThan(whole / 20);
    expect(fourHundred).toBeLessThan(whole / 2);
    expect(fourHundred).toBeGreaterThan(5 * twenty);
    expect(undone).toBeLessThanOrEqual(twenty);
    const before = seen(t);
    await db.close();
    const again = await openDb(name);
    const r = await again.table('items');
    expect(seen(r)).toEqual(before);
    // The base, the records of its rows' net changes (PART rows each), then the three deltas.
    const records = 1 + Math.ceil(changedRows / PART) + 3;
    expect(records).toBeGreaterThan(4);
    expect(await rawCounts(name)).toEqual({ drafts: 1, records });
  });

  it('keep the save before when a save fails after some of its records were handed over', async () => {
    const name = `drafts-${crypto.randomUUID()}`;
    names.push(name);
    const db = await openDb(name);
    const n = 3000;
    await createItems(db, n);
    const t = await db.table('items');
    t.set(1, 'name', 'first');
    await db.drafts.flush();
    const events: DraftEvent[] = [];
    db.drafts.on((e) => events.push(e));
    // Edits of long text: a save of several records; the third one fails to be made.
    for (let i = 0; i < 200; i++) t.set(i + 2, 'name', `${'x'.repeat(1000)} ${i}`);
    let records = 0;
    db.drafts.observeWrites((v) => {
      if ((v as { delta?: boolean }).delta && ++records === 3) throw new Error('interrupted');
    });
    await db.drafts.flush();
    expect(records).toBe(3);
    expect(events).toEqual([expect.objectContaining({ type: 'failed', table: 'items' })]);
    // Unsaved again, and saved by a later save.
    expect(db.drafts.status()[0]?.saved).toBe(false);
    db.drafts.observeWrites(null);
    // None of the failed save's records is stored: the draft is the save before, whole (its
    // base and the record of its one changed row's net change).
    expect(await rawCounts(name)).toEqual({ drafts: 1, records: 2 });
    // The next save (here, at close) writes the draft whole.
    const now = seen(t);
    await db.close();
    const again = await openDb(name);
    expect(seen(await again.table('items'))).toEqual(now);
  });
});

/** Roughly what a value takes stored: its primitives' sizes, strings as UTF-16. */
function sizeOf(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'number' || typeof v === 'bigint') return 8;
  if (typeof v === 'string') return 2 * v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Date) return 8;
  if (v instanceof Map) {
    let s = 0;
    for (const [a, b] of v) s += sizeOf(a) + sizeOf(b);
    return s;
  }
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + sizeOf(x), 0);
  if (typeof v === 'object') {
    let s = 0;
    for (const [a, b] of Object.entries(v)) s += 2 * a.length + sizeOf(b);
    return s;
  }
  return 8;
}
