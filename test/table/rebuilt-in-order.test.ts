import * as aq from 'arquero';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { trackedTable } from '../../src/index';
import { TrackedTable } from '../../src/table/tracked-table';
import type { CellValue } from '../../src/values/sql-value';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 150);

const info = trackedTable(aq.table({ id: [1], r: [0.5], s: ['a'], n: [1] }), {
  name: 't',
  key: 'id',
  types: { id: 'INTEGER', r: 'REAL', s: 'TEXT', n: 'INTEGER' },
}).info;

const NAMES = ['id', 'r', 's', 'n'] as const;

/** How a column of the rebuilt table holds its values. */
type Holder = 'view' | 'array' | 'typed';
/** A cell of the rebuilt table: the current value, an equal one in another form, or a new one. */
type Next = 'same' | 'equal' | 'changed';

const row = fc.record({
  r: fc.constantFrom(0, -0, 1.5, 2, Infinity),
  s: fc.constantFrom('a', 'b', ''),
  n: fc.constantFrom(null, 1, 2),
  next: fc.tuple(
    ...NAMES.slice(1).map(() => fc.constantFrom<Next>('same', 'same', 'equal', 'changed')),
  ),
});

function equalForm(v: CellValue): CellValue {
  if (v === 0) return Object.is(v, 0) ? -0 : 0;
  if (typeof v === 'string') return [...v].join('');
  return v;
}

function changedForm(v: CellValue): CellValue {
  if (v === null) return 1;
  if (typeof v === 'string') return `${v}!`;
  return (v as number) + 1;
}

function column(values: CellValue[], holder: Holder, view: unknown): unknown {
  if (holder === 'view') return view;
  if (holder === 'typed' && values.every((v) => typeof v === 'number'))
    return Float64Array.from(values as number[]);
  return values;
}

/**
 * A transform by a table rebuilt in the table's own order (data sent back by a server, a file):
 * its unchanged columns are recognised without the row-by-row diff, whether they are the
 * snapshot's own columns, new arrays or typed arrays, with equal values in another form (-0 for
 * 0, a string built again) and nulls. Whatever path runs must give what the general keyed diff
 * gives for the same rows in reverse order: the same rows, counts, changes and plan, and undo
 * must give back the table as it was.
 */
describe('a transform by a table rebuilt in the same order', () => {
  test('gives what the keyed diff of the same rows in another order gives', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 24 }),
        fc.tuple(...NAMES.map(() => fc.constantFrom<Holder>('view', 'array', 'typed'))),
        fc.constantFrom('none', 'set', 'delete', 'insert'),
        fc.boolean(),
        (rows, holders, before, typedStore) => {
          const n = rows.length;
          const make = (): TrackedTable => {
            const ids = rows.map((_, i) => i + 1);
            const t = new TrackedTable(info, {
              names: [...NAMES],
              columns: [
                typedStore ? Float64Array.from(ids) : ids,
                typedStore ? Float64Array.from(rows, (r) => r.r) : rows.map((r) => r.r),
                rows.map((r) => r.s),
                rows.map((r) => r.n),
              ],
              length: n,
            });
            if (before === 'set') t.set(1, 's', 'edited');
            if (before === 'delete' && n > 1) t.delete(n);
            if (before === 'insert') t.insert({ id: n + 1, r: 1, s: 'new', n: null });
            return t;
          };
          const run = (inOrder: boolean) => {
            const t = make();
            const original = t.table().objects();
            t.transform((x) => {
              const current = x.objects() as Record<string, CellValue>[];
              const next = current.map((o, i) => {
                const out: Record<string, CellValue> = { id: o['id']! };
                NAMES.slice(1).forEach((name, c) => {
                  const how = rows[i]?.next[c] ?? 'same';
                  const v = o[name] ?? null;
                  out[name] = how === 'same' ? v : how === 'equal' ? equalForm(v) : changedForm(v);
                });
                return out;
              });
              if (!inOrder) next.reverse();
              const columns: Record<string, unknown> = {};
              NAMES.forEach((name, c) => {
                const values = next.map((o) => o[name] ?? null);
                const unchanged = next.every((o, i) => o[name] === current[i]![name]);
                // The snapshot's own column only where the values are its own.
                const holder =
                  holders[c] === 'view' && !(inOrder && unchanged) ? 'array' : holders[c]!;
                columns[name] = column(values, holder, x.column(name));
              });
              return aq.table(columns);
            });
            const seen = {
              rows: (t.table().objects() as Record<string, CellValue>[]).sort(
                (a, b) => (a['id'] as number) - (b['id'] as number),
              ),
              counts: t.changeCounts(),
              changes: t.changes(),
              plan: JSON.stringify(t.plan(), (_k, v: unknown) =>
                ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
              ),
            };
            // Undo takes back the transform when it recorded an operation (it changed something).
            if (t.operations().at(-1)?.kind === 'transform') t.undo();
            expect(t.table().objects()).toEqual(original);
            return seen;
          };
          expect(run(true)).toEqual(run(false));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
