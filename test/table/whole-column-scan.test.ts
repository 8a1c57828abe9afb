import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { trackedTable } from '../../src/index';
import { TrackedTable } from '../../src/table/tracked-table';
import type { CellValue } from '../../src/values/sql-value';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

const info = trackedTable(aq.table({ id: [1], r: [0.5], n: [1], s: ['a'] }), {
  name: 't',
  key: 'id',
  types: { id: 'INTEGER', r: 'REAL', n: 'INTEGER', s: 'TEXT' },
}).info;

const NAMES = ['r', 'n', 's'] as const;
type Name = (typeof NAMES)[number];

/** Stored values: -0 and 0, NaN (a store can hold it), the infinities; '7' beside 7 in TEXT. */
const stored = {
  r: fc.constantFrom(0, -0, 1.5, NaN, Infinity, -1e300),
  n: fc.constantFrom(0, -0, 7, 2 ** 53 - 1, -3),
  s: fc.constantFrom<CellValue>('a', '', '7', 'x\u0000y', '\u{1F600}', 7, null),
};

/**
 * What a row of the result holds in a column: the current value, an equal one in another form
 * (-0 for 0, a string built again, a BigInt for an integer), a different one, -0 (stored as 0),
 * half the value (after a transform that doubled it: the stored value again), or a tricky one the
 * column may refuse or store in another form.
 */
type Next = 'same' | 'equal' | 'changed' | 'zero' | 'half' | 'tricky';
const next = fc.constantFrom<Next>('same', 'equal', 'changed', 'changed', 'zero', 'half', 'tricky');

const TRICKY: Record<Name, readonly unknown[]> = {
  r: [NaN, null, -0, 0, 5n, '7', Infinity],
  n: [2 ** 53, 0.5, null, -0, 20n, '7', new Date(0)],
  s: ['\uD800', 'lone \uDC00', null, 7, '7', new Uint8Array([7]), 'x\u0000y'],
};

function equalForm(v: CellValue): unknown {
  if (v === 0) return Object.is(v, 0) ? -0 : 0;
  if (typeof v === 'string') return [...v].join('');
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return v;
}

function changedForm(v: CellValue): unknown {
  if (typeof v === 'string') return `${v}!`;
  if (typeof v === 'number') return v === v ? v + 1 : 2.5;
  return 'x';
}

const rowArb = fc.record({
  r: stored.r,
  n: stored.n,
  s: stored.s,
  next: fc.tuple(next, next, next),
  tricky: fc.tuple(fc.nat(6), fc.nat(6), fc.nat(6)),
});

/**
 * A transform whose result shares the table's key column (derive, assign, a table built around
 * `x.column('id')`) replaces whole columns: the common shapes are settled by a typed pass over
 * the two arrays, and a column changed in every row is counted without comparing it again. That
 * must give exactly what the general diff gives for the same values: the keyed diff of the same
 * rows in reverse order. Same rows (-0 stored as 0, equal values kept as they were), the same
 * refusals, counts, changes and plan; undo and redo must agree too.
 */
describe('a transform replacing whole columns in place', () => {
  test('gives what the keyed diff of the same rows gives', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom<Next | null>(null, null, 'changed', 'same', 'half'),
        fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
        fc.constantFrom(true, true, false),
        fc.constantFrom('none', 'set', 'delete', 'insert', 'transform', 'transform'),
        (rows, every, typed, typedStore, before) => {
          const n = rows.length;
          const make = (): TrackedTable => {
            const ids = rows.map((_, i) => i + 1);
            const numbers = (name: 'r' | 'n'): CellValue[] | Float64Array => {
              const values = rows.map((r) => r[name]);
              return typedStore ? Float64Array.from(values) : values;
            };
            const t = new TrackedTable(info, {
              names: ['id', ...NAMES],
              columns: [Float64Array.from(ids), numbers('r'), numbers('n'), rows.map((r) => r.s)],
              length: n,
            });
            if (before === 'set') t.set(1, 's', 'edited');
            if (before === 'delete' && n > 1) t.delete(n);
            if (before === 'insert') t.insert({ id: n + 1, r: 1, n: 2, s: 'new' });
            // A column already replaced: compared with its values, counted against the store's.
            if (before === 'transform')
              t.transform((x) => x.derive({ r: (d: { r: number }) => d.r * 2 }));
            return t;
          };
          const resultOf = (x: ColumnTable, inPlace: boolean): ColumnTable => {
            const current = x.objects() as Record<string, CellValue>[];
            const values = NAMES.map((name, c) =>
              current.map((o, i) => {
                const v = o[name] ?? null;
                const how = every ?? rows[i]?.next[c] ?? 'same';
                if (how === 'same') return v;
                if (how === 'equal') return equalForm(v);
                if (how === 'changed') return changedForm(v);
                if (how === 'zero') return typeof v === 'number' ? -0 : changedForm(v);
                if (how === 'half') return typeof v === 'number' ? v / 2 : changedForm(v);
                return TRICKY[name][rows[i]!.tricky[c]!];
              }),
            );
            const holder = (c: number): unknown => {
              const v = values[c]!;
              const numbers = v.every((x) => typeof x === 'number');
              return typed[c] && numbers ? Float64Array.from(v as number[]) : v;
            };
            if (inPlace) {
              const data: Record<string, unknown> = { id: x.column('id') };
              NAMES.forEach((name, c) => (data[name] = holder(c)));
              return aq.table(data);
            }
            const order = current.map((_, i) => current.length - 1 - i);
            const data: Record<string, unknown> = { id: order.map((i) => current[i]!['id']) };
            NAMES.forEach((name, c) => (data[name] = order.map((i) => values[c]![i])));
            return aq.table(data);
          };
          const run = (inPlace: boolean) => {
            const t = make();
            const original = t.table().objects();
            const operations = t.operations().length;
            let error: string | null = null;
            try {
              t.transform((x) => resultOf(x, inPlace));
            } catch (e) {
              error = (e as { code?: string }).code ?? String(e);
            }
            const state = () => ({
              rows: (t.table().objects() as Record<string, CellValue>[]).sort(
                (a, b) => (a['id'] as number) - (b['id'] as number),
              ),
              counts: t.changeCounts(),
              changes: t.changes(),
              plan: JSON.stringify(t.plan(), (_k, v: unknown) =>
                typeof v === 'bigint'
                  ? `${v}n`
                  : ArrayBuffer.isView(v)
                    ? Array.from(v as Float64Array, (x) => (Object.is(x, -0) ? '-0' : x))
                    : v,
              ),
            });
            const seen = state();
            // Undo takes back the transform when it recorded an operation (it changed something).
            if (t.operations().length > operations) {
              t.undo();
              expect(t.table().objects()).toEqual(original);
              t.redo();
              expect(state()).toEqual(seen);
            }
            return { error, ...seen };
          };
          expect(run(true)).toEqual(run(false));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a column changed in every row back to its stored values has no changes', () => {
    // Every row differs from the values compared with (the first transform's), none from the
    // stored ones: the count must compare with the stored values, not take every row.
    for (const typed of [false, true]) {
      const t = new TrackedTable(info, {
        names: ['id', ...NAMES],
        columns: [
          Float64Array.from([1, 2, 3]),
          Float64Array.from([1.5, 2.5, -4]),
          Float64Array.from([1, 2, 3]),
          ['a', 'b', 'c'],
        ],
        length: 3,
      });
      t.transform((x) => x.derive({ r: (d: { r: number }) => d.r * 2, s: () => 'z' }));
      expect(t.changeCounts().updates).toBe(3);
      t.transform((x) => {
        const back = Array.from(x.array('r') as ArrayLike<number>, (v) => v / 2);
        return aq.table({
          id: x.column('id'),
          r: typed ? Float64Array.from(back) : back,
          n: x.column('n'),
          s: ['a', 'b', 'c'].map((v) => [...v].join('')),
        });
      });
      expect(t.changeCounts().updates).toBe(0);
      expect(t.hasChanges).toBe(false);
      expect(t.changes().updates).toEqual([]);
    }
  });

  test("a column given another column's own values keeps the store writable", async () => {
    // assign() of the snapshot's own column hands over the array the store writes its pushes to:
    // the tracked table must not adopt (and freeze) that one.
    const db = await nodeDatabase(new MemoryStorage(), 'own-column');
    const n = 16;
    await db.createTable(
      't',
      aq.table({
        id: Array.from({ length: n }, (_, i) => i + 1),
        a: Array.from({ length: n }, (_, i) => `a${i}`),
        b: Array.from({ length: n }, (_, i) => `b${i}`),
      }),
      { primaryKey: 'id' },
    );
    const t = await db.table('t');
    t.transform((x) => x.assign(aq.table({ b: x.column('a') })));
    expect(t.changeCounts().updates).toBe(n);
    await t.push();
    t.set(3, 'a', 'edited');
    await t.push();
    const rows = (await db.query('SELECT a, b FROM t WHERE id IN (3, 4) ORDER BY id')).objects();
    expect(rows).toEqual([
      { a: 'edited', b: 'a2' },
      { a: 'a3', b: 'a3' },
    ]);
    expect(t.get(3, 'a')).toBe('edited');
    await db.close();
  });
});
