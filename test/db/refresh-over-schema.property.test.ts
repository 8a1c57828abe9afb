import * as aq from 'arquero';
import * as fc from 'fast-check';
import { expect, test } from 'vitest';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/*
 * Another writer changes a table's schema (renames, drops or adds columns, maybe also edits
 * cells) and pushes, while this writer has cell edits pending. Whatever it did, `refresh()` never
 * loses an edit without a word: each pending cell edit is either still pending with its value
 * (under the column's name now) or reported by one of the conflicts refresh returns, naming its
 * row and column.
 */

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 60);
const COLUMNS = ['a', 'b', 'c'] as const;

type Theirs =
  | { t: 'rename'; col: number; to: string }
  | { t: 'drop'; col: number }
  | { t: 'add'; name: string }
  | { t: 'set'; id: number; col: number; value: number };

const col = fc.nat(COLUMNS.length - 1);
const id = fc.integer({ min: 1, max: 4 });
const theirs: fc.Arbitrary<Theirs> = fc.oneof(
  fc.record({ t: fc.constant('rename' as const), col, to: fc.constantFrom('x', 'y', 'A2') }),
  fc.record({ t: fc.constant('drop' as const), col }),
  fc.record({ t: fc.constant('add' as const), name: fc.constantFrom('z', 'x') }),
  fc.record({ t: fc.constant('set' as const), id, col, value: fc.integer({ min: 0, max: 9 }) }),
);
const mine = fc.array(
  // Values no cell holds before: each edit is a change.
  fc.record({ id, col, value: fc.integer({ min: 100, max: 199 }) }),
  {
    minLength: 1,
    maxLength: 6,
  },
);

test("refresh() over another writer's schema change keeps or reports every pending cell edit", async () => {
  let reported = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(theirs, { minLength: 1, maxLength: 3 }), mine, async (ops, edits) => {
      const storage = new MemoryStorage();
      const db = await nodeDatabase(storage, 'schema');
      const data = { id: [1, 2, 3, 4], a: [1, 2, 3, 4], b: [5, 6, 7, 8], c: [9, 10, 11, 12] };
      await db.createTable('t', aq.table(data), { primaryKey: 'id' });
      const other = await nodeDatabase(storage, 'schema');
      try {
        const t = await db.table('t');
        const o = await other.table('t');
        // Their schema change, pushed first (each op only where it still applies).
        for (const op of ops) {
          const names = o.columns.map((c) => c.name);
          const name = 'col' in op ? COLUMNS[op.col] : undefined;
          if (op.t === 'rename' && name && names.includes(name) && !names.includes(op.to))
            o.renameColumn(name, op.to);
          else if (op.t === 'drop' && name && names.includes(name)) o.dropColumn(name);
          else if (op.t === 'add' && !names.includes(op.name))
            o.addColumn(op.name, { type: 'INTEGER' });
          else if (op.t === 'set' && name && names.includes(name)) o.set(op.id, name, op.value);
        }
        if (o.hasChanges) await o.push();
        // My edits, made on the table as it was.
        const wanted = new Map<string, { id: number; col: string; value: number }>();
        for (const e of edits) {
          const name = COLUMNS[e.col]!;
          t.set(e.id, name, e.value);
          wanted.set(`${e.id}:${name}`, { id: e.id, col: name, value: e.value });
        }
        const conflicts = await t.refresh();
        const changes = t.changes();
        for (const w of wanted.values()) {
          const kept = changes.updates.some(
            (u) =>
              u.key[0] === w.id && Object.entries(u.newValues ?? {}).some(([, v]) => v === w.value),
          );
          const told = conflicts.some(
            (c) => c.key[0] === w.id && c.columns.includes(w.col) && c.local?.[w.col] === w.value,
          );
          if (told) reported++;
          expect(
            kept || told,
            `edit ${w.id}.${w.col} = ${w.value}: ${JSON.stringify(conflicts)}`,
          ).toBe(true);
        }
      } finally {
        await db.close();
        await other.close();
      }
    }),
    { numRuns: RUNS },
  );
  // The runs reached what they are about: edits the other writer's schema change contested.
  expect(reported).toBeGreaterThan(0);
});
