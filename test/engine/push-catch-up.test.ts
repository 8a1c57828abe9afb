import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineCore } from '../../src/engine/engine-core';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { MemoryStorage, loadSql, memoryEngine } from '../support/memory-storage';

/**
 * A push reads the log and appends its record in one storage transaction, taking in what other
 * engines committed in between (`commitPush`, `Storage.appendAfter`). Engines here share one
 * storage and never hear of each other's commits (no coordinator), so every push finds what they
 * committed only there. Against a model of the commits that landed: none is lost or stored
 * twice, a push refused (by SQLite, or by storage after SQLite committed) leaves nothing, and
 * every engine reads exactly the model.
 */

type Op =
  | {
      readonly kind: 'push';
      readonly engine: number;
      readonly fail: boolean;
      /** Past 10,000 rows the plan is applied outside the storage transaction. */
      readonly big: boolean;
    }
  | { readonly kind: 'refused'; readonly engine: number }
  | { readonly kind: 'checkpoint'; readonly engine: number }
  | { readonly kind: 'read'; readonly engine: number };

const ENGINES = 3;
const engineIndex = fc.integer({ min: 0, max: ENGINES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      engine: engineIndex,
      fail: fc.boolean(),
      big: fc.oneof(
        { arbitrary: fc.constant(false), weight: 5 },
        { arbitrary: fc.constant(true), weight: 1 },
      ),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('refused' as const), engine: engineIndex }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('checkpoint' as const), engine: engineIndex }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('read' as const), engine: engineIndex }), weight: 1 },
);

/** The bodies a push of `body` inserts: one, or 10,001 of them. */
const bodiesOf = (body: string, big: boolean): string[] =>
  big ? Array.from({ length: 10_001 }, (_, i) => `${body}.${i}`) : [body];

/** Rows inserted with `bodies` (ids assigned), or one with the id of a row that exists: refused. */
function insertPlan(bodies: string[], id?: number): ExecutionPlan {
  const columns = id === undefined ? ['body'] : ['id', 'body'];
  const values = id === undefined ? [bodies] : [[id], bodies];
  return {
    version: 2,
    steps: [
      {
        kind: 'insert',
        table: 'notes',
        key: [],
        keyTypes: [],
        columns,
        types: columns.map(() => ''),
        values: values as never,
        count: bodies.length,
      },
    ],
  };
}

async function bodies(engine: EngineCore): Promise<string[]> {
  const data = await engine.readTable('notes');
  const c = data.names.indexOf('body');
  return Array.from({ length: data.length }, (_, r) => String(data.columns[c]![r])).sort();
}

async function engines(storage: MemoryStorage): Promise<EngineCore[]> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  db.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const bytes = db.export();
  db.close();
  const first = await memoryEngine(storage);
  await first.importDatabase(bytes);
  await first.apply(insertPlan(['seed']), { pushId: 'seed' });
  const out = [first];
  while (out.length < ENGINES) out.push(await memoryEngine(storage));
  return out;
}

describe('a push takes in other engines’ commits within its storage transaction', () => {
  it('loses no commit, stores none twice, and a refused push leaves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const storage = new MemoryStorage();
        const all = await engines(storage);
        const landed = ['seed'];
        const pushIds = ['seed'];
        let n = 0;
        for (const o of ops) {
          const e = all[o.engine]!;
          if (o.kind === 'push') {
            const body = `b${n++}`;
            storage.failNext = o.fail;
            const rows = bodiesOf(body, o.big);
            const pushed = e.apply(insertPlan(rows), { pushId: body });
            if (o.fail) {
              await expect(pushed).rejects.toBeInstanceOf(PandalchemyError);
            } else {
              await pushed;
              landed.push(...rows);
              pushIds.push(body);
            }
            storage.failNext = false;
          } else if (o.kind === 'refused') {
            await expect(e.apply(insertPlan(['dup'], 1), { pushId: `r${n++}` })).rejects.toThrow();
          } else if (o.kind === 'checkpoint') {
            await e.checkpoint();
          } else {
            expect(await bodies(e)).toEqual([...landed].sort());
          }
          // What storage holds: each landed push once, in consecutive commits.
          const stored = storage.records.map((r) => r.pushId);
          expect(new Set(stored).size).toBe(stored.length);
          expect(stored.every((id) => pushIds.includes(id))).toBe(true);
          storage.records.forEach((r, i) => expect(r.seq).toBe(storage.snapshotSeq + i + 1));
        }
        const last = storage.records.at(-1)?.seq ?? storage.snapshotSeq;
        for (const e of all) {
          expect(await bodies(e)).toEqual([...landed].sort());
          expect((await e.state()).seq).toBe(last);
        }
        const reopened = await memoryEngine(storage);
        expect(await bodies(reopened)).toEqual([...landed].sort());
      }),
      { numRuns: 60 },
    );
  });
});
