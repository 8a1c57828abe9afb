import * as aq from 'arquero';
import { afterEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database';
import { trackedTable, type DatabaseTable, type TrackedTable } from '../../src/index';
import { cellText } from '../support/dump';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

/**
 * Issue 16 item 1: values handed out must not be live. Whatever a caller does to what a read
 * returns (arrays, byte arrays, dates, row objects, plans), the tracked table shows and pushes
 * exactly what it did before, and counts no change. Writes into read-only views throw.
 */

const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

function things(): TrackedTable {
  return trackedTable(
    aq.table({
      id: [1, 2],
      name: ['Ada', 'Grace'],
      qty: [3, 4],
      bytes: [new Uint8Array([1, 2]), new Uint8Array([3])],
      day: [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 2))],
    }),
    {
      name: 'things',
      key: 'id',
      types: { id: 'INTEGER', name: 'TEXT', qty: 'INTEGER', bytes: 'BLOB', day: 'DATE' },
    },
  );
}

/** A loaded table (numbers in Float64Arrays, as the worker sends them). */
async function loaded(): Promise<DatabaseTable> {
  const db = await nodeDatabase(new MemoryStorage(), 'live');
  opened.push(db);
  await db.createTable(
    'things',
    aq.table({
      id: [1, 2],
      name: ['Ada', 'Grace'],
      qty: [3, 4],
      bytes: [new Uint8Array([1, 2]), new Uint8Array([3])],
      day: ['2024-01-01', '2024-01-02'],
    }),
    {
      primaryKey: 'id',
      types: { id: 'INTEGER', name: 'TEXT', qty: 'INTEGER', bytes: 'BLOB', day: 'DATE' },
    },
  );
  return db.table('things');
}

/** Everything the table shows and would push, as text. */
function state(t: TrackedTable): string {
  const rows = (t.table().objects() as Record<string, unknown>[]).map((r) =>
    Object.values(r).map(cellText).join(','),
  );
  return JSON.stringify({ rows, counts: t.changeCounts(), sql: t.toSql() });
}

/** Runs a mutation of a handed-out value: refused (TypeError) or not, it must change nothing. */
function tamper(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
}

type Any = Record<string | number, unknown> & unknown[];

const attacks: [string, (t: TrackedTable) => void][] = [
  ['column(): writing an index', (t) => ((t.table().column('name') as unknown as Any)[0] = 'X')],
  ['column(): a numeric column', (t) => ((t.table().column('qty') as unknown as Any)[0] = 99)],
  ['columnAt()', (t) => ((t.table().columnAt(1) as unknown as Any)[1] = 'X')],
  ['data()', (t) => ((t.table().data()['name'] as unknown as Any)[0] = 'X')],
  ['data(): replacing a column', (t) => ((t.table().data() as Any)['name'] = ['X', 'Y'])],
  ['get(): bytes', (t) => ((t.get(1, 'bytes') as Uint8Array)[0] = 99)],
  ['get(): a date', (t) => (t.get(1, 'day') as Date).setUTCFullYear(1999)],
  ['row()', (t) => ((t.row(2)!['bytes'] as Uint8Array)[0] = 99)],
  ['valueAt()', (t) => (t.valueAt(t.refOf(1)!, 'day') as Date).setUTCDate(9)],
  ['table().get()', (t) => ((t.table().get('bytes', 0) as Uint8Array)[0] = 99)],
  ['table().array()', (t) => ((t.table().array('bytes')[1] as Uint8Array)[0] = 99)],
  ['table().objects()', (t) => ((t.table().objects()[0] as Any)['day'] as Date).setTime(0)],
  ['table().object()', (t) => ((t.table().object(1) as Any)['bytes'] as Uint8Array).fill(7)],
  [
    'iterating the table',
    (t) => {
      for (const r of t.table() as unknown as Iterable<Any>) (r['day'] as Date).setTime(0);
    },
  ],
  ['iterating a column', (t) => [...t.table().column('bytes')!].forEach((b) => b.fill(0))],
  [
    'values()',
    (t) => {
      for (const d of t.table().values('day') as unknown as Iterable<Date>) d.setTime(0);
    },
  ],
  [
    'a derived table',
    (t) =>
      ((
        t
          .table()
          .derive({ n: () => 1 })
          .get('bytes') as Uint8Array
      )[0] = 5),
  ],
  [
    'indices()',
    (t) => {
      t.table().indices().fill(1);
      expect(
        t
          .table()
          .rollup({ n: aq.op.sum('qty') })
          .get('n'),
      ).toBe(7);
    },
  ],
  ['toArrow()', (t) => (t.table().toArrow().getChild('qty')!.toArray() as Float64Array).fill(0)],
  [
    'changes()',
    (t) => {
      for (const c of t.changes().updates) {
        (c.oldValues!['bytes'] as Uint8Array)[0] = 99;
        (c.newValues!['bytes'] as Uint8Array)[0] = 99;
      }
    },
  ],
  [
    'plan()',
    (t) => {
      for (const step of t.plan().steps) {
        if (step.kind !== 'update') continue;
        for (const col of [...step.values, ...(step.guard?.expected ?? [])])
          for (const v of col as unknown[]) if (v instanceof Uint8Array) v.fill(9);
      }
    },
  ],
];

describe('values handed out are not live (issue 16 item 1)', () => {
  test.each(attacks)('%s', (_what, attack) => {
    for (const t of [things(), things().set(2, 'bytes', new Uint8Array([5, 6]))]) {
      const before = state(t);
      tamper(() => attack(t));
      expect(state(t)).toBe(before);
    }
  });

  test.each(attacks)('%s, on a table loaded from the database', async (_what, attack) => {
    const t = await loaded();
    t.set(2, 'bytes', new Uint8Array([5, 6]));
    const before = state(t);
    tamper(() => attack(t));
    expect(state(t)).toBe(before);
  });

  test('writes into a column view throw', () => {
    const t = things();
    expect(() => ((t.table().column('name') as unknown as Any)[0] = 'X')).toThrow(TypeError);
    expect(() => ((t.table().data() as Any)['name'] = [])).toThrow(TypeError);
  });

  test('values given to an edit are copied: changing them afterwards changes nothing', () => {
    const t = things();
    const bytes = new Uint8Array([7, 7]);
    const day = new Date(Date.UTC(2020, 5, 5));
    t.set(1, 'bytes', bytes).update(2, { day }).insert({ id: 3, bytes, day });
    const before = state(t);
    bytes.fill(0);
    day.setUTCFullYear(1990);
    expect(state(t)).toBe(before);
  });

  test("a transform's result cannot be changed through the arrays it was built from", () => {
    const t = things();
    const names = ['x', 'y'];
    const result = aq.table({ id: t.table().column('id'), name: names });
    t.transform((x) => x.assign(result.select('name')));
    const before = state(t);
    tamper(() => (names[0] = 'changed later'));
    expect(state(t)).toBe(before);
    expect(t.get(1, 'name')).toBe('x');
  });
});
