import * as aq from 'arquero';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { trackedTable } from '../../src/index';
import { TrackedTable } from '../../src/table/tracked-table';
import type { UpdateStep } from '../../src/plan/execution-plan';
import { valuesEqual } from '../../src/values/values-equal';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

/** Doubles, among them 0 and -0 (equal) and the infinities (NaN is refused as a value). */
const double = fc.constantFrom(0, -0, 1.5, -1e300, 2, Infinity, -Infinity);

/**
 * A REAL column held in Float64Arrays (as a table read from the database holds it) changed as a
 * whole by a rebuilt table: what the change collection and the plan take straight from the typed
 * arrays must be what the cell-by-cell comparison says, deleted rows left out.
 */
const info = trackedTable(aq.table({ id: [1], v: [0.5] }), {
  name: 't',
  key: 'id',
  types: { id: 'INTEGER', v: 'REAL' },
}).info;

describe('a whole numeric column changed by a rebuilt table', () => {
  test('changes exactly the live rows whose value differs, and the plan carries their values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(double, double, fc.boolean()), { minLength: 1, maxLength: 40 }),
        (rows) => {
          const ids = Float64Array.from(rows, (_, i) => i + 1);
          const before = Float64Array.from(rows, ([b]) => b);
          // Columns as a table read from the database holds them: Float64Arrays.
          const t = new TrackedTable(info, {
            names: ['id', 'v'],
            columns: [ids, before],
            length: rows.length,
          });
          const gone = rows.flatMap(([, , deleted], i) => (deleted ? [i + 1] : []));
          // A deleted row edited first: its value in the whole column differs, and is no change.
          for (const id of gone) t.set(id, 'v', rows[id - 1]![1]);
          if (gone.length) t.delete(gone);
          const kept = rows
            .map(([b, a], i) => ({ id: i + 1, b, a }))
            .filter((r) => !gone.includes(r.id));
          t.transform(() =>
            aq.table({
              id: kept.map((r) => r.id),
              v: Float64Array.from(kept, (r) => r.a),
            }),
          );
          const changed = kept.filter((r) => !valuesEqual(r.a, r.b));
          expect(t.changes().updates.map((u) => u.key[0])).toEqual(changed.map((r) => r.id));
          const update = t.plan().steps.find((s): s is UpdateStep => s.kind === 'update');
          if (!changed.length) {
            expect(update).toBeUndefined();
          } else {
            expect([...update!.keys[0]!]).toEqual(changed.map((r) => r.id));
            // Compared as change detection compares (a value may be written canonical: -0 as 0).
            const same = (got: ArrayLike<unknown>, want: readonly number[]): boolean =>
              got.length === want.length && want.every((w, i) => valuesEqual(got[i] as number, w));
            expect(
              same(
                update!.values[0]!,
                changed.map((r) => r.a),
              ),
            ).toBe(true);
            expect(
              same(
                update!.guard!.expected[0]!,
                changed.map((r) => r.b),
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the typed pass of a rebuilt table gives what the cell-by-cell diff gives', () => {
    // A value: unchanged, another integer, a non-integer or NaN (refused by an INTEGER column,
    // NaN by a REAL one), 0 for -0.
    const next = fc.constantFrom('same', 'int', 'half', 'nan', 'zero');
    fc.assert(
      fc.property(
        fc.constantFrom('INTEGER', 'REAL'),
        fc.array(next, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        (type, plan, reverse, insertFirst) => {
          const n = plan.length;
          const ids = Float64Array.from(plan, (_, i) => i + 1);
          const before = Float64Array.from(plan, (_, i) => i % 7);
          const make = () => {
            const t = new TrackedTable(
              {
                ...info,
                columns: info.columns.map((c) =>
                  c.name === 'v'
                    ? { ...c, declaredType: type, kind: type === 'REAL' ? 'real' : 'integer' }
                    : c,
                ),
              },
              { names: ['id', 'v'], columns: [ids.slice(), before.slice()], length: n },
            );
            if (insertFirst) t.insert({ id: n + 1, v: 3 });
            return t;
          };
          const values = plan.map((k, i) =>
            k === 'same'
              ? i % 7
              : k === 'int'
                ? i + 100
                : k === 'half'
                  ? i + 0.5
                  : k === 'nan'
                    ? NaN
                    : -0,
          );
          const order = plan.map((_, i) => i);
          if (insertFirst) order.push(n);
          if (reverse) order.reverse();
          const idOf = (i: number) => i + 1;
          const valueOf = (i: number) => (i < n ? values[i]! : 3);
          const run = (typed: boolean) => {
            const t = make();
            let error: string | null = null;
            try {
              t.transform(() =>
                aq.table({
                  id: typed ? Float64Array.from(order, idOf) : order.map(idOf),
                  v: typed ? Float64Array.from(order, valueOf) : order.map(valueOf),
                }),
              );
            } catch (e) {
              error = (e as { code?: string }).code ?? String(e);
            }
            const seen = {
              error,
              counts: t.changeCounts(),
              rows: t.table().objects(),
              plan: JSON.stringify(t.plan(), (_k, v: unknown) =>
                ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
              ),
            };
            // Undo takes back the transform when it recorded an operation (it changed something).
            const recorded = t.operations().at(-1)?.kind === 'transform';
            const undone = t.undo();
            return { seen, recorded, undone, after: t.table().objects(), counts: t.changeCounts() };
          };
          const typed = run(true);
          const plain = run(false);
          expect(typed).toEqual(plain);
          if (typed.recorded) expect(typed.after).toEqual(make().table().objects());
        },
      ),
      { numRuns: RUNS },
    );
  });
});
