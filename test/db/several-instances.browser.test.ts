import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { ConflictError, openDatabase, type Database } from '../../src/index';

const ROWS = 4;

/**
 * One writer: increments its own column and the shared column of a random row, pushing after each
 * increment; on a conflict it drops its edit, takes the other writers' commits in, and tries again.
 */
async function writer(
  db: Database,
  column: string,
  pushes: number,
  random: () => number,
): Promise<{ done: number[]; conflicts: number }> {
  const done = new Array<number>(ROWS).fill(0);
  let conflicts = 0;
  const t = await db.table('counters');
  for (let i = 0; i < pushes; i++) {
    const id = 1 + Math.floor(random() * ROWS);
    for (let attempt = 0; ; attempt++) {
      expect(attempt).toBeLessThan(100);
      const row = t.row(id)!;
      t.update(id, { [column]: Number(row[column]) + 1, shared: Number(row['shared']) + 1 });
      try {
        await t.push();
        done[id - 1]!++;
        break;
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        expect(e.conflicts.every((c) => c.table === 'counters')).toBe(true);
        conflicts++;
        t.discard();
        await t.refresh();
      }
    }
  }
  return { done, conflicts };
}

function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('several Database instances on one name', () => {
  for (const n of [2, 3]) {
    it(`${n} instances pushing interleaved changes lose no update and end equal to what is stored`, async () => {
      const name = `multi-${crypto.randomUUID()}`;
      const first = await openDatabase(name);
      await first.createTable(
        'counters',
        aq.table({
          id: [1, 2, 3, 4],
          c0: [0, 0, 0, 0],
          c1: [0, 0, 0, 0],
          c2: [0, 0, 0, 0],
          shared: [0, 0, 0, 0],
        }),
        { primaryKey: 'id' },
      );
      const dbs = [first];
      for (let i = 1; i < n; i++) dbs.push(await openDatabase(name));
      const changes = dbs.map(() => 0);
      dbs.forEach((db, i) => db.on('change', () => changes[i]!++));
      const results = await Promise.all(
        dbs.map((db, i) => writer(db, `c${i}`, 25, seededRandom(i + 1))),
      );
      const stored = await openDatabase(name);
      const rows = (await stored.table('counters')).table().objects() as Record<string, number>[];
      for (let r = 0; r < ROWS; r++) {
        let total = 0;
        results.forEach((res, i) => {
          expect(rows[r]![`c${i}`], `row ${r + 1} column c${i}`).toBe(res.done[r]);
          total += res.done[r]!;
        });
        expect(rows[r]!['shared'], `row ${r + 1} shared`).toBe(total);
      }
      // Writers raced for the shared column: some pushes were refused and retried.
      expect(results.reduce((s, r) => s + r.conflicts, 0)).toBeGreaterThan(0);
      // Every instance heard every commit and ends holding exactly what is stored.
      for (const [i, db] of dbs.entries()) {
        await db.refresh();
        expect((await db.table('counters')).table().objects(), `instance ${i}`).toEqual(rows);
        expect(changes[i]).toBeGreaterThanOrEqual(n * 25);
      }
      for (const db of [...dbs, stored]) await db.close();
    });
  }
});
