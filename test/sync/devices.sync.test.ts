import { afterEach, expect, inject, test } from 'vitest';
import { openDatabase, type Database, type RefusedPush } from '../../src/index';

/*
 * Devices as users run them: each a database of its own (its own worker and IndexedDB database)
 * syncing with a real sync server over a real PostgreSQL cluster (test/support/sync-global-setup.ts).
 * Every test syncs a table of its own.
 */

const url = inject('syncUrl');
const open: Database[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

/** A device, new to the server: its first sync loads the table from the server. */
async function device(token: string, table: string): Promise<Database> {
  const name = `${table}-${token}-${Math.random().toString(36).slice(2)}`;
  const db = await openDatabase(name, { sync: { url, token, tables: [table] } });
  open.push(db);
  await db.sync();
  return db;
}

/**
 * How long a device may take to show another device's commit: `db.sync()` resolves once what the
 * device has received is taken in, and a commit can still be on its way from the server.
 */
const SETTLED = { timeout: 15_000 } as const;

/** The rows of a device's table, in key order, as plain objects. */
async function rows(db: Database, table: string): Promise<unknown[]> {
  return (await db.table(table)).table().orderby('id').objects();
}

/** Resolves with the next refused push the device reports. */
function nextRefusal(db: Database): Promise<RefusedPush> {
  return new Promise((resolve) => {
    const off = db.on('refused', (r) => {
      off();
      resolve(r);
    });
  });
}

test('two devices editing different columns of one row: both edits survive on both', async () => {
  const a = await device('token-a', 'merge_notes');
  const ta = await a.table('merge_notes');
  ta.insert({ id: 1, title: 'draft', body: 'empty', n: 0 });
  await a.push();
  await a.sync();

  const b = await device('token-b', 'merge_notes');
  const tb = await b.table('merge_notes');
  expect(tb.row(1)).toEqual({ id: 1, title: 'draft', body: 'empty', n: 0 });

  ta.set(1, 'title', 'from a');
  tb.set(1, 'body', 'from b');
  await a.push();
  await b.push();
  await a.sync();
  await b.sync();
  await a.sync();

  const merged = [{ id: 1, title: 'from a', body: 'from b', n: 0 }];
  await expect.poll(() => rows(a, 'merge_notes'), SETTLED).toEqual(merged);
  await expect.poll(() => rows(b, 'merge_notes'), SETTLED).toEqual(merged);
  // A third device, new: it loads the merged row from the server.
  const c = await device('token-c', 'merge_notes');
  await expect.poll(() => rows(c, 'merge_notes'), SETTLED).toEqual(merged);
  expect(a.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
  expect(b.syncStatus?.serverSeq).toBe(a.syncStatus?.serverSeq);
});

test('the same column edited on two devices: the later push is refused on its device, its edit pending again, resolved both ways', async () => {
  const a = await device('token-a', 'conflict_notes');
  const ta = await a.table('conflict_notes');
  ta.insert({ id: 1, title: 'start', body: '', n: 0 });
  await a.push();
  await a.sync();
  const b = await device('token-b', 'conflict_notes');
  const tb = await b.table('conflict_notes');
  let refusedOnA = 0;
  a.on('refused', () => refusedOnA++);

  // b edits while offline, so that its push is based on what it had: the server refuses it.
  const editOffline = async (theirs: string, mine: string): Promise<RefusedPush> => {
    b.pauseSync();
    ta.set(1, 'title', theirs);
    await a.push();
    await a.sync();
    tb.set(1, 'title', mine);
    await b.push();
    const refusal = nextRefusal(b);
    b.resumeSync();
    await b.sync();
    return refusal;
  };

  // Round 1: b takes theirs.
  const r = await editOffline('a wins', 'b loses');
  expect(r.error.code).toBe('conflict');
  expect(r.tables).toEqual(['conflict_notes']);
  expect(r.conflicts).toEqual([
    expect.objectContaining({
      table: 'conflict_notes',
      type: 'update',
      key: [1],
      columns: ['title'],
      local: { title: 'b loses' },
      remote: { title: 'a wins' },
      kept: true,
    }),
  ]);
  expect(tb.get(1, 'title')).toBe('b loses');
  expect(tb.changeCounts()).toMatchObject({ updates: 1 });
  tb.discard();
  expect(tb.get(1, 'title')).toBe('a wins');
  expect(b.syncStatus).toMatchObject({ outbox: 0 });

  // Round 2: b overwrites (pushes its returned edit again, now based on the server's value).
  const second = await editOffline('a again', 'b overwrites');
  expect(second.conflicts[0]).toMatchObject({ remote: { title: 'a again' }, kept: true });
  await b.push();
  await b.sync();
  await a.sync();
  expect(ta.get(1, 'title')).toBe('b overwrites');
  expect(tb.get(1, 'title')).toBe('b overwrites');
  expect(refusedOnA).toBe(0);
});

test('a device offline for 50 pushes while another pushes: all of it everywhere after it reconnects', async () => {
  const a = await device('token-a', 'offline_notes');
  const b = await device('token-b', 'offline_notes');
  const ta = await a.table('offline_notes');
  const tb = await b.table('offline_notes');
  a.pauseSync();
  expect(a.syncStatus?.state).toBe('offline');
  for (let i = 1; i <= 50; i++) {
    ta.insert({ id: i, title: `a${i}`, body: null, n: i });
    if (i > 1) ta.set(i - 1, 'n', i * 100);
    await a.push();
  }
  expect(a.syncStatus?.outbox).toBe(50);
  await expect(a.sync()).rejects.toMatchObject({ code: 'offline' });
  for (let i = 101; i <= 105; i++) {
    tb.insert({ id: i, title: `b${i}`, body: 'b', n: 0 });
    await b.push();
  }
  await b.sync();

  a.resumeSync();
  await a.sync();
  await b.sync();
  const all = await rows(a, 'offline_notes');
  expect(all).toHaveLength(55);
  expect(all).toContainEqual({ id: 1, title: 'a1', body: null, n: 200 });
  expect(all).toContainEqual({ id: 49, title: 'a49', body: null, n: 5000 });
  expect(all).toContainEqual({ id: 50, title: 'a50', body: null, n: 50 });
  expect(all).toContainEqual({ id: 103, title: 'b103', body: 'b', n: 0 });
  await expect.poll(() => rows(b, 'offline_notes'), SETTLED).toEqual(all);
  expect(a.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
});

test('a refused push (a constraint on the server) comes back as a pending insert; fixed, it is accepted', async () => {
  const a = await device('token-a', 'refused_notes');
  const b = await device('token-b', 'refused_notes');
  const ta = await a.table('refused_notes');
  const tb = await b.table('refused_notes');
  tb.insert({ id: 2, code: 'x', title: 'first' });
  await b.push();
  await b.sync();
  // a has not seen b's row: its own insert of the same code commits locally, offline-first.
  ta.insert({ id: 3, code: 'x', title: 'second' });
  await a.push();
  expect(ta.hasChanges).toBe(false);
  const refusal = nextRefusal(a);
  await a.sync();
  const r = await refusal;
  expect(r.error.code).toBe('constraint');
  expect(
    await a.query('SELECT id FROM refused_notes ORDER BY id').then((t) => t.objects()),
  ).toEqual([{ id: 2 }]);
  expect(ta.changes().inserts).toEqual([
    expect.objectContaining({ key: [3], newValues: { id: 3, code: 'x', title: 'second' } }),
  ]);
  ta.set(3, 'code', 'y');
  await a.push();
  await a.sync();
  await b.sync();
  const both = [
    { id: 2, code: 'x', title: 'first' },
    { id: 3, code: 'y', title: 'second' },
  ];
  await expect.poll(() => rows(a, 'refused_notes'), SETTLED).toEqual(both);
  await expect.poll(() => rows(b, 'refused_notes'), SETTLED).toEqual(both);
});
