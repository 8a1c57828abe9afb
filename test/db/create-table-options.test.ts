import * as aq from 'arquero';
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { PandalchemyError } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// createTable()'s options are checked in full before anything runs, as createIndex()'s and
// push()'s are: an unknown option or field, or one of the wrong kind, is invalid_argument.

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 100);

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function fresh(): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), 'options');
  open.push(db);
  return db;
}

const data = () => aq.table({ id: [1, 2], v: ['a', 'b'] });

async function refusal(db: Database, options: unknown): Promise<unknown> {
  try {
    await db.createTable('t', data(), options as never);
  } catch (e) {
    return e;
  }
  return null;
}

const BAD: [string, unknown, RegExp][] = [
  ['a misspelt option', { primarykey: 'id' }, /no option 'primarykey'/],
  ['an option named like an Object member', { constructor: 'id' }, /no option 'constructor'/],
  [
    "indexes[].unique: 'yes'",
    { indexes: [{ name: 'i', columns: 'v', unique: 'yes' }] },
    /indexes\[0\]\.unique' is true or false/,
  ],
  [
    'an unknown field of an index',
    { indexes: [{ name: 'i', columns: 'v', uniq: true }] },
    /indexes\[0\] has no field 'uniq'/,
  ],
  ['an index that is not an object', { indexes: ['i'] }, /indexes\[0\]' is an object/],
  ['indexes not an array', { indexes: { name: 'i', columns: 'v' } }, /'indexes' is an array/],
  [
    'an unknown field of a foreign key',
    { foreignKeys: [{ columns: 'v', references: 'x', ondelete: 'CASCADE' }] },
    /has no field 'ondelete'/,
  ],
  [
    'a foreign-key action not SQLite',
    { foreignKeys: [{ columns: 'v', references: 'x', onDelete: 'cascade' }] },
    /onDelete' is one of/,
  ],
  ['autoIncrement: 1', { primaryKey: 'id', autoIncrement: 1 }, /'autoIncrement' is true or false/],
  ['primaryKey: 1', { primaryKey: 1 }, /'primaryKey' is a name/],
  ['primaryKey: [1]', { primaryKey: [1] }, /'primaryKey' is a name/],
  ['types an array', { types: ['TEXT'] }, /'types' is an object/],
  ['types of a non-string', { types: { v: 5 } }, /'types' is an object/],
  ['notNull a string', { notNull: 'v' }, /'notNull' is an array of strings/],
  ['unique of numbers', { unique: [1] }, /'unique' is an array/],
  ['checks a string', { checks: 'id > 0' }, /'checks' is an array of strings/],
  ['columnChecks an array', { columnChecks: ['id > 0'] }, /'columnChecks' is an object/],
  ['defaults null', { defaults: null }, /'defaults' is an object/],
  ['onProgress not a function', { onProgress: true }, /'onProgress' is a function/],
  ['options null', null, /takes its options as an object/],
  ['options an array', [], /takes its options as an object/],
];

describe('createTable() options', () => {
  for (const [what, options, message] of BAD) {
    it(`refuses ${what} with invalid_argument, creating nothing`, async () => {
      const db = await fresh();
      const e = await refusal(db, options);
      expect(e).toBeInstanceOf(PandalchemyError);
      expect(e).toMatchObject({ code: 'invalid_argument', message });
      expect(db.tableNames()).toEqual([]);
    });
  }

  it('takes every option, and undefined ones as the defaults', async () => {
    const db = await fresh();
    await db.createTable('p', aq.table({ id: [1, 2] }), { primaryKey: 'id' });
    let progress = 0;
    const t = await db.createTable('t', data(), {
      primaryKey: ['id'],
      autoIncrement: true,
      types: { v: 'TEXT' },
      notNull: ['v'],
      defaults: { v: 'x' },
      unique: ['v', ['id', 'v']],
      checks: ['id > 0'],
      columnChecks: { v: "v <> ''" },
      foreignKeys: [
        {
          columns: 'id',
          references: 'p',
          to: 'id',
          onDelete: 'CASCADE',
          onUpdate: undefined as never,
        },
      ],
      indexes: [{ name: 'tv', columns: ['v'], unique: false }],
      onProgress: () => progress++,
    });
    expect(t.info.indexes.map((i) => i.name)).toContain('tv');
    expect(progress).toBeGreaterThan(0);
    await db.createTable('u', data(), {
      primaryKey: undefined,
      indexes: undefined,
      types: { v: undefined },
      columnChecks: { v: undefined },
    } as never);
    expect((await db.table('u')).info.columns.map((c) => c.declaredType)).toEqual([
      'INTEGER',
      'TEXT',
    ]);
  });

  it('refuses any unknown option, and any option of the wrong kind', async () => {
    const db = await fresh();
    const known = [
      'primaryKey',
      'autoIncrement',
      'types',
      'notNull',
      'defaults',
      'unique',
      'checks',
      'columnChecks',
      'foreignKeys',
      'indexes',
      'onProgress',
    ];
    const unknown = fc
      .string({ minLength: 1 })
      .filter((k) => !known.includes(k))
      .map((k) => ({ [k]: true }));
    // Values of kinds no option takes.
    const wrong = fc
      .record({
        option: fc.constantFrom(...known.filter((k) => k !== 'defaults')),
        value: fc.constantFrom(5, 5n, Symbol('s'), 'x', true, [5], { a: 5 }, null),
      })
      // The two pairs that are of the right kind.
      .filter(({ option, value }) => !(option === 'primaryKey' && value === 'x'))
      .filter(({ option, value }) => !(option === 'autoIncrement' && value === true))
      .map(({ option, value }) => ({ [option]: value }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(unknown, wrong), async (options) => {
        const e = await refusal(db, options);
        expect(e, String(Object.keys(options))).toBeInstanceOf(PandalchemyError);
        expect(e).toMatchObject({ code: 'invalid_argument' });
        expect(db.tableNames()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
