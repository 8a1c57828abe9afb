import * as aq from 'arquero';
import * as fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/db/database-table';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/*
 * Two instances of one database edit the same few rows: sets, deletes, and inserts of keys the
 * other may have inserted since (an edit of a row an instance does not have is an insert), moves of
 * rows to other keys; now and then one drops the table and creates it again, with other values. Whatever the other writer
 * did, a push either goes in or is refused as a `conflict` (never as a constraint the user would
 * have to repair); `refresh({ policy: 'keepLocal' })` then rebases it, and the push goes in with
 * this writer's values: every row it deleted is gone, every row it inserted is there, and every
 * cell it set holds its value wherever the row is still there, unless the refresh reported the
 * edit as not kept (a row the other writer deleted; every edit of a table dropped since).
 */

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 100);
const COLUMNS = ['v', 'w'] as const;

type Op =
  | { t: 'set'; writer: number; id: number; col: 0 | 1; value: number }
  | { t: 'delete'; writer: number; id: number }
  | { t: 'push'; writer: number; overwrite: boolean }
  | { t: 'discard'; writer: number }
  | { t: 'recreate'; writer: number; add: number }
  | { t: 'rekey'; writer: number; id: number; to: number };

const writer = fc.integer({ min: 0, max: 1 });
const id = fc.integer({ min: 1, max: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('set' as const),
      writer,
      id,
      col: fc.constantFrom(0 as const, 1 as const),
      value: fc.integer({ min: 0, max: 9 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), writer, id }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('push' as const), writer, overwrite: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('discard' as const), writer }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('rekey' as const), writer, id, to: id }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('recreate' as const),
      writer,
      add: fc.integer({ min: 0, max: 1 }),
    }),
  },
);

interface Writer {
  readonly db: Database;
  readonly table: DatabaseTable;
}

async function stored(db: Database): Promise<Map<number, Record<string, unknown>>> {
  const rows = (await db.query('SELECT id, v, w FROM t ORDER BY id')).objects() as Record<
    string,
    unknown
  >[];
  return new Map(rows.map((r) => [Number(r['id']), r]));
}

function edit(w: Writer, o: Extract<Op, { t: 'set' | 'delete' }>): void {
  if (o.t === 'delete') {
    if (w.table.has(o.id)) w.table.delete(o.id);
  } else if (w.table.has(o.id)) w.table.set(o.id, COLUMNS[o.col], o.value);
  else w.table.insert({ id: o.id, [COLUMNS[o.col]]: o.value });
}

/**
 * Pushes (overwriting the other writer's values or not); a refusal must be a conflict, and the
 * push after a keepLocal refresh goes in, with what was pending: rows deleted are gone, rows
 * inserted are there, cells set hold their values wherever their row is still there (an update
 * of a row the other writer deleted is dropped by the rebase, and reported). A push that went in
 * at once wrote every row it updates: none of them may be missing.
 */
async function push(w: Writer, codes: Record<string, number>, overwrite = false): Promise<void> {
  if (!w.table.hasChanges) return;
  const pending = w.table.changes();
  const refused = await w.table.push(overwrite ? { conflict: 'overwrite' } : {}).then(
    () => null,
    (e: unknown) => e as { code?: string },
  );
  // Edits a refresh reported as not kept: what they wanted need not be stored.
  const dropped = new Set<string>();
  if (refused) {
    codes[refused.code ?? '?'] = (codes[refused.code ?? '?'] ?? 0) + 1;
    expect(refused.code, String(refused)).toBe('conflict');
    const conflicts = await w.table.refresh({ policy: 'keepLocal' });
    for (const c of conflicts) if (!c.kept) dropped.add(`${c.type} ${c.key[0]}`);
    if (String(refused).includes('dropped')) {
      // Every edit of a table dropped since is reported, none kept.
      codes['dropped'] = (codes['dropped'] ?? 0) + 1;
      expect(w.table.hasChanges).toBe(false);
      const all = [...pending.deletes, ...pending.inserts, ...pending.updates];
      for (const c of all)
        expect(dropped, `${c.type} ${c.key} reported`).toContain(`${c.type} ${c.key[0]}`);
    }
    if (w.table.hasChanges) await w.table.push();
  }
  expect(w.table.hasChanges).toBe(false);
  const rows = await stored(w.db);
  for (const d of pending.deletes)
    if (!dropped.has(`delete ${d.key[0]}`))
      expect(rows.get(Number(d.key[0])), `deleted ${d.key}`).toBe(undefined);
  for (const change of [...pending.inserts, ...pending.updates]) {
    if (dropped.has(`${change.type} ${change.key[0]}`)) continue;
    // A row moved to another key is found under it.
    const moved = change.columns.includes('id');
    const row = rows.get(Number(moved ? change.newValues?.['id'] : change.key[0]));
    if (pending.inserts.includes(change)) expect(row, `inserted ${change.key}`).toBeDefined();
    if (!refused) expect(row, `updated ${change.key} by a push that went in`).toBeDefined();
    if (!row) continue;
    for (const col of change.columns)
      expect(row[col], `${change.key}.${col}`).toBe(change.newValues?.[col] ?? null);
  }
}

/**
 * Drops the table and creates it again with the rows it holds, `w` changed and a row added or
 * not: the other writer's handle must take the new table in, and refuse edits made on the old.
 */
async function recreate(w: Writer, codes: Record<string, number>, add: number): Promise<void> {
  if (w.table.hasChanges) await push(w, codes);
  const rows: Record<string, unknown>[] = [...(await stored(w.db)).values()].map((r) => ({
    ...r,
    w: Number(r['w']) + 100,
  }));
  if (add && !rows.some((r) => r['id'] === 5)) rows.push({ id: 5, v: 50, w: 150 });
  await w.db.dropTable('t');
  await w.db.createTable('t', aq.from(rows), {
    primaryKey: 'id',
    types: { id: 'INTEGER', v: 'INTEGER', w: 'INTEGER' },
  });
}

test('two writers inserting, setting and deleting the same rows: a refused push is a conflict, and rebased it goes in', async () => {
  const codes: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 30 }), async (ops) => {
      const storage = new MemoryStorage();
      const first = await nodeDatabase(storage, 'writers');
      await first.createTable('t', aq.table({ id: [1, 2, 3], v: [1, 2, 3], w: [4, 5, 6] }), {
        primaryKey: 'id',
      });
      const second = await nodeDatabase(storage, 'writers');
      const writers: Writer[] = [];
      for (const db of [first, second]) writers.push({ db, table: await db.table('t') });
      try {
        for (const o of ops) {
          const w = writers[o.writer]!;
          if (o.t === 'push') await push(w, codes, o.overwrite);
          else if (o.t === 'discard') w.table.discard();
          else if (o.t === 'recreate') await recreate(w, codes, o.add);
          else if (o.t === 'rekey') {
            if (w.table.has(o.id) && !w.table.has(o.to)) w.table.set(o.id, 'id', o.to);
          } else if (o.t === 'set' || o.t === 'delete') {
            if (w.table.stale && !w.table.hasChanges) await w.table.refresh();
            edit(w, o);
          }
        }
        for (const w of writers) await push(w, codes);
        const truth = [...(await stored(first)).values()];
        for (const w of writers) {
          await w.table.refresh();
          expect(w.table.table().orderby('id').select('id', 'v', 'w').objects()).toEqual(truth);
        }
      } finally {
        for (const w of writers) await w.db.close();
      }
    }),
    { numRuns: RUNS },
  );
  // The sequences reached what they are about: pushes refused because of the other writer.
  expect(codes['conflict'] ?? 0).toBeGreaterThan(0);
});
