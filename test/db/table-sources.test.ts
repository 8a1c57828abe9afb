import * as fl from '@uwdata/flechette';
import * as aq from 'arquero';
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { inferTextColumn } from '../../src/db/infer-columns';
import { parseCsv } from '../../src/db/parse-csv';
import { PandalchemyError } from '../../src/index';
import { MemoryStorage, nodeDatabase } from '../support/node-database';

// How createTable() reads its source: CSV text (blank lines, byte-order mark, delimiters), JSON,
// Arrow and Arquero tables, and column names such as `constructor` from each of them.

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function fresh(storage = new MemoryStorage()): Promise<Database> {
  const db = await nodeDatabase(storage, 'sources');
  open.push(db);
  return db;
}

async function rows(db: Database, sql: string): Promise<object[]> {
  return (await db.query(sql)).objects();
}

/** The error a call fails with, or null. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return null;
}

describe('the source object', () => {
  it('is exactly one of { csv, delimiter? }, { json } and { arrow }: others are invalid_argument', async () => {
    const db = await fresh();
    for (const [source, message] of [
      [
        { csv: 'a;b\n1;2', delimter: ';' },
        /has no field "delimter": its fields are csv, delimiter/,
      ],
      [{ json: '[]', delimiter: ';' }, /has no field "delimiter"/],
      [{ arrow: new Uint8Array(0), csv: 'a' }, /takes an Arquero table, \{ csv \}/],
      [{}, /takes an Arquero table/],
      [{ rows: [] }, /takes an Arquero table/],
    ] as const) {
      const e = await errorOf(() => db.createTable('t', source as never));
      expect(e, JSON.stringify(Object.keys(source))).toBeInstanceOf(PandalchemyError);
      expect(e).toMatchObject({ code: 'invalid_argument', message });
    }
    expect(db.tableNames()).toEqual([]);
  });
});

describe('CSV text', () => {
  it('skips blank lines, LF or CRLF, before, between and after the records', async () => {
    const db = await fresh();
    for (const [name, csv] of [
      ['trailing', 'id,v\n1,a\n2,b\n\n'],
      ['leading', '\n\nid,v\n\n1,a\n2,b\n'],
      ['between', 'id,v\n1,a\n\n\n2,b'],
      ['crlf', 'id,v\r\n1,a\r\n\r\n2,b\r\n\r\n'],
      ['cr', 'id,v\r1,a\r\r2,b\r'],
    ] as const) {
      await db.createTable(name, { csv }, { primaryKey: 'id' });
      expect(await rows(db, `SELECT * FROM "${name}" ORDER BY id`), name).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ]);
    }
    // Without a key too: no row of NULLs.
    await db.createTable('nokey', { csv: 'v\n\na\n\n' });
    expect(await rows(db, 'SELECT * FROM nokey')).toEqual([{ v: 'a' }]);
  });

  it('keeps a blank line inside a quoted field as data', async () => {
    const db = await fresh();
    await db.createTable('t', { csv: 'id,v\n1,"a\n\nb"\n2,"\r\n\r\n"\n' }, { primaryKey: 'id' });
    expect(await rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([
      { id: 1, v: 'a\n\nb' },
      { id: 2, v: '\r\n\r\n' },
    ]);
  });

  it('strips a byte-order mark before the header', async () => {
    const db = await fresh();
    const t = await db.createTable('t', { csv: '\uFEFFid,name\r\n1,a\r\n' }, { primaryKey: 'id' });
    expect(t.info.columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(await rows(db, 'SELECT * FROM t')).toEqual([{ id: 1, name: 'a' }]);
  });

  it('keeps the fields of a column that types declares text as written', async () => {
    const db = await fresh();
    // Each column alone would be inferred REAL, BOOLEAN and DATE.
    const csv = 'id,n,b,d\n1,5,true,2024-01-01\n2,1.50,false,\n3,-0,true,2024-02-28\n';
    const t = await db.createTable(
      't',
      { csv },
      { primaryKey: 'id', types: { n: 'TEXT', b: 'VARCHAR(9)', d: 'CLOB' } },
    );
    expect(t.info.columns.map((c) => c.declaredType)).toEqual([
      'INTEGER',
      'TEXT',
      'VARCHAR(9)',
      'CLOB',
    ]);
    expect(await rows(db, 'SELECT n, b, d FROM t ORDER BY id')).toEqual([
      { n: '5', b: 'true', d: '2024-01-01' },
      { n: '1.50', b: 'false', d: null },
      { n: '-0', b: 'true', d: '2024-02-28' },
    ]);
  });

  it('refuses a delimiter that is not one character, with what to do', async () => {
    const db = await fresh();
    for (const delimiter of [';;', '', '"', '\n', '\r', 5, null]) {
      const e = await errorOf(() =>
        db.createTable('t', { csv: 'a;;b\n1;;2', delimiter: delimiter as string }),
      );
      expect(e, String(delimiter)).toBeInstanceOf(PandalchemyError);
      expect(e).toMatchObject({ code: 'invalid_argument', message: /one character/ });
    }
    expect(db.tableNames()).toEqual([]);
    await db.createTable('t', { csv: 'a;b\n1;"2;3"', delimiter: ';' });
    expect(await rows(db, 'SELECT * FROM t')).toEqual([{ a: 1, b: '2;3' }]);
  });

  it('refuses ragged records, an open quote and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/line 3 has 1 field/);
    expect(() => parseCsv('a,b\n\n"x\ny",2\n3\n')).toThrow(/line 5 has 1 field/);
    expect(() => parseCsv('a,b\n"open,2\n')).toThrow(/ends inside the quoted field/);
    expect(() => parseCsv('a,b\n"x"y,2\n')).toThrow(/after the closing quote/);
    expect(() => parseCsv('\n\n')).toThrow(/empty/);
    // A quote further into a field is an ordinary character.
    expect(parseCsv('a\nx"y"\n').columns).toEqual([['x"y"']]);
  });

  it('reads back any fields written as CSV, whatever the line breaks and blank lines', () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r', '\uFEFF') }),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) =>
          fc.record({
            header: fc.uniqueArray(field, { minLength: width, maxLength: width }),
            records: fc.array(fc.array(field, { minLength: width, maxLength: width }), {
              maxLength: 5,
            }),
            delimiter: fc.constantFrom(',', ';', '\t'),
            eol: fc.constantFrom('\n', '\r\n', '\r'),
            blanks: fc.array(fc.nat(2), { minLength: 7, maxLength: 7 }),
            bom: fc.boolean(),
            quoteAll: fc.boolean(),
          }),
        ),
        ({ header, records, delimiter, eol, blanks, bom, quoteAll }) => {
          const write = (f: string) =>
            // An empty record would be a blank line: one empty field is written "".
            quoteAll || f === '' || /["\r\n]/.test(f) || f.includes(delimiter) || f[0] === '\uFEFF'
              ? `"${f.replaceAll('"', '""')}"`
              : f;
          const lines = [header, ...records].map((r) => r.map(write).join(delimiter));
          let text = bom ? '\uFEFF' : '';
          lines.forEach((l, i) => (text += eol.repeat(blanks[i] ?? 0) + l + eol));
          const parsed = parseCsv(text, delimiter);
          expect(parsed.names).toEqual(header);
          expect(parsed.columns).toEqual(header.map((_, c) => records.map((r) => r[c])));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** The value of decimal text as an integer and a power of ten: '1.50' -> [150n, -2]. */
function exactDecimal(text: string): [bigint, number] {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const fraction = m[3] ?? '';
  const n = BigInt(`${m[1] === '-' ? '-' : ''}${m[2] || '0'}${fraction}`);
  return [n, Number(m[4] ?? 0) - fraction.length];
}

function sameNumber(a: string, b: string): boolean {
  const [x, ex] = exactDecimal(a);
  const [y, ey] = exactDecimal(b);
  const e = Math.min(ex, ey);
  return x * 10n ** BigInt(ex - e) === y * 10n ** BigInt(ey - e);
}

describe('numbers from CSV text', () => {
  it('keeps an integer past 2^53 beside a decimal exactly, as text', async () => {
    const db = await fresh();
    const t = await db.createTable(
      't',
      { csv: 'id,n\n1,9007199254740993\n2,1.5' },
      { primaryKey: 'id' },
    );
    expect(t.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'TEXT']);
    expect(await rows(db, 'SELECT CAST(n AS TEXT) AS n FROM t ORDER BY id')).toEqual([
      { n: '9007199254740993' },
      { n: '1.5' },
    ]);
    // Alone, the integers are an INTEGER column, past 2^53 as BigInt.
    expect(inferTextColumn(['9007199254740993', '1'])).toEqual({
      type: 'INTEGER',
      values: [9007199254740993n, 1],
    });
    expect(inferTextColumn(['0.10000000000000000555', '1']).type).toBe('TEXT');
    expect(inferTextColumn(['1e-400', '1']).type).toBe('TEXT');
    expect(inferTextColumn(['1.50', '-0.0', '.5', '1e3', '+2']).values).toEqual([
      1.5, -0, 0.5, 1000, 2,
    ]);
  });

  it('a number column holds every value as written, or the column stays text', () => {
    const digits = fc.string({
      unit: fc.constantFrom(...'0123456789'),
      minLength: 1,
      maxLength: 22,
    });
    const number = fc
      .record({
        sign: fc.constantFrom('', '-', '+'),
        whole: digits,
        fraction: fc.option(digits, { nil: undefined }),
        exponent: fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined }),
      })
      .map(
        ({ sign, whole, fraction, exponent }) =>
          `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent === undefined ? '' : `e${exponent}`}`,
      );
    fc.assert(
      fc.property(fc.array(number, { minLength: 1, maxLength: 6 }), (texts) => {
        const { type, values } = inferTextColumn(texts);
        texts.forEach((text, i) => {
          const v = values[i];
          if (type === 'TEXT') expect(v).toBe(text);
          else if (typeof v === 'bigint') expect(v).toBe(BigInt(text));
          else {
            expect(['INTEGER', 'REAL']).toContain(type);
            expect(sameNumber(String(v), text), `${text} stored as ${String(v)}`).toBe(true);
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('numbers from JSON and Arquero tables', () => {
  it('makes a column of whole doubles past 64 bits REAL, as they are', async () => {
    const db = await fresh();
    const v = [1e20, -(2 ** 63) - 4096, 2 ** 63, 5];
    for (const [name, source] of [
      ['a', aq.table({ id: [1, 2, 3, 4], v })],
      ['j', { json: JSON.stringify({ id: [1, 2, 3, 4], v }) }],
    ] as const) {
      const t = await db.createTable(name, source, { primaryKey: 'id' });
      expect(t.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'REAL']);
      expect(t.table().array('v')).toEqual(v);
    }
    // Whole doubles within 64 bits stay INTEGER, past 2^53 exactly as BigInt.
    const t = await db.createTable('i', aq.table({ v: [2 ** 60, -(2 ** 63), 1] }));
    expect(t.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER']);
    expect(t.table().array('v')).toEqual([2n ** 60n, -(2n ** 63n), 1]);
  });
});

describe('JSON', () => {
  it('keeps strings as strings, dates or not, with or without types', async () => {
    const db = await fresh();
    const a = await db.createTable(
      'a',
      { json: '[{"id":1,"sku":"2024-01"}]' },
      { primaryKey: 'id' },
    );
    expect(a.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'TEXT']);
    expect(await rows(db, 'SELECT sku FROM a')).toEqual([{ sku: '2024-01' }]);
    const json = '[{"id":1,"s":"2024-01-01"},{"id":2,"s":"hello"}]';
    await db.createTable('b', { json }, { primaryKey: 'id' });
    await db.createTable('c', { json }, { primaryKey: 'id', types: { s: 'TEXT' } });
    await db.createTable('d', { json: { id: [1, 2], s: ['2024-01-01T10:00:00Z', 'x'] } });
    expect(
      await rows(db, 'SELECT s FROM b UNION ALL SELECT s FROM c UNION ALL SELECT s FROM d'),
    ).toEqual([
      { s: '2024-01-01' },
      { s: 'hello' },
      { s: '2024-01-01' },
      { s: 'hello' },
      { s: '2024-01-01T10:00:00Z' },
      { s: 'x' },
    ]);
    // A Date given as a value is a date.
    const e = await db.createTable('e', { json: [{ id: 1, at: new Date(Date.UTC(2024, 0, 1)) }] });
    expect(e.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'DATETIME']);
  });

  it("never changes the caller's arrays or rows", async () => {
    const db = await fresh();
    const columns = { id: [1, 2], s: ['2024-01-01', '2024-02-02'] };
    const rowsGiven = [{ id: 1, s: '2024-01-01' }, { id: 2 }];
    const before = JSON.stringify([columns, rowsGiven]);
    await db.createTable('t', { json: columns }, { primaryKey: 'id' });
    await db.createTable('u', { json: rowsGiven }, { primaryKey: 'id' });
    expect(JSON.stringify([columns, rowsGiven])).toBe(before);
    expect(columns.s[0]).toBe('2024-01-01');
    expect(rowsGiven[1]).toEqual({ id: 2 });
  });
});

describe('Arrow', () => {
  const ipc = (table: fl.Table) => fl.tableToIPC(table, {})!;

  it('takes 64-bit integers exactly, past 2^53 as BigInt, keys too', async () => {
    const db = await fresh();
    const big = 2n ** 60n + 1n;
    const bytes = ipc(
      fl.tableFromArrays(
        {
          id: new BigInt64Array([big, 1n, -(2n ** 63n)]),
          v: new BigInt64Array([2n ** 63n - 1n, 2n, 3n]),
          u: new BigUint64Array([2n ** 62n, 0n, 7n]),
        },
        { useBigInt: true } as never,
      ),
    );
    const t = await db.createTable('t', { arrow: bytes }, { primaryKey: 'id' });
    expect(t.info.columns.map((c) => c.declaredType)).toEqual(['INTEGER', 'INTEGER', 'INTEGER']);
    expect(t.table().objects()).toEqual([
      { id: -(2n ** 63n), v: 3, u: 7 },
      { id: 1, v: 2, u: 0 },
      { id: big, v: 2n ** 63n - 1n, u: 2n ** 62n },
    ]);
    expect(await rows(db, 'SELECT CAST(id AS TEXT) AS id FROM t WHERE v = 2')).toEqual([
      { id: '1' },
    ]);
    expect(
      await rows(db, 'SELECT CAST(id AS TEXT) AS id FROM t WHERE u = 4611686018427387904'),
    ).toEqual([{ id: String(big) }]);
  });

  it('keeps a byte-order mark at the start of a string', async () => {
    const db = await fresh();
    const v = ['\uFEFF', '\uFEFFa', 'b\uFEFF', null, '\uFEFF\uFEFF'];
    for (const type of [fl.utf8(), fl.largeUtf8(), fl.dictionary(fl.utf8())]) {
      const bytes = ipc(
        fl.tableFromColumns([
          ['id', fl.columnFromArray([1, 2, 3, 4, 5])],
          ['v', fl.columnFromArray(v, type)],
        ] as never),
      );
      const t = await db.createTable(`t${type.typeId + 1}`, { arrow: bytes }, { primaryKey: 'id' });
      expect(t.table().array('v')).toEqual(v);
    }
  });

  it('refuses fields sharing a name, and bytes that do not decode, typed, creating nothing', async () => {
    const db = await fresh();
    const twice = ipc(
      fl.tableFromColumns([
        ['id', fl.columnFromArray([1, 2])],
        ['v', fl.columnFromArray(['a', 'b'])],
        ['v', fl.columnFromArray(['c', 'd'])],
      ] as never),
    );
    await expect(db.createTable('t', { arrow: twice }, { primaryKey: 'id' })).rejects.toMatchObject(
      {
        code: 'name_taken',
        column: 'v',
      },
    );
    const good = ipc(fl.tableFromArrays({ id: [1, 2, 3], v: ['a', 'b', 'c'] }));
    for (const bytes of [new Uint8Array([1, 2, 3, 4, 5]), good.slice(0, 100), [1, 2, 3]]) {
      const e = await errorOf(() => db.createTable('t', { arrow: bytes as Uint8Array }));
      expect(e).toBeInstanceOf(PandalchemyError);
      expect(e).toMatchObject({ code: 'invalid_argument', message: /Arrow IPC/ });
    }
    expect(db.tableNames()).toEqual([]);
    // The bytes of an Arquero table, as a Uint8Array or an ArrayBuffer.
    await db.createTable('a', { arrow: good }, { primaryKey: 'id' });
    await db.createTable('b', { arrow: good.slice().buffer }, { primaryKey: 'id' });
    expect(await rows(db, 'SELECT * FROM a EXCEPT SELECT * FROM b')).toEqual([]);
  });
});

/** Names of Object.prototype members: a plain object's lookup finds them where no column is. */
const PROTO_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
];

describe('column names like Object.prototype members', () => {
  it('are columns from every source, with types, defaults and NOT NULL naming them', async () => {
    const db = await fresh();
    for (const name of PROTO_NAMES) {
      const sources = {
        aq: aq.table(
          new Map<string, unknown[]>([
            ['id', [1, 2]],
            [name, ['x', 'y']],
          ]),
        ),
        rows: {
          json: [
            { id: 1, [name]: 'x' },
            { id: 2, [name]: 'y' },
          ],
        },
        text: { json: JSON.stringify({ id: [1, 2], [name]: ['x', 'y'] }) },
        csv: { csv: `id,${name}\n1,x\n2,y\n` },
        arrow: {
          arrow: fl.tableToIPC(
            fl.tableFromColumns([
              ['id', fl.columnFromArray([1, 2])],
              [name, fl.columnFromArray(['x', 'y'])],
            ] as never),
            {},
          )!,
        },
      };
      for (const [label, source] of Object.entries(sources)) {
        const table = `${label}_${name}`;
        const t = await db.createTable(table, source, { primaryKey: 'id', notNull: [name] });
        expect(
          t.info.columns.map((c) => [c.name, c.declaredType]),
          table,
        ).toEqual([
          ['id', 'INTEGER'],
          [name, 'TEXT'],
        ]);
        expect(t.table().objects(), table).toEqual([
          { id: 1, [name]: 'x' },
          { id: 2, [name]: 'y' },
        ]);
      }
      // A row that lacks the name has no value there, not Object's member.
      const sparse = await db.createTable(
        `sparse_${name}`,
        { json: [{ id: 1 }, { id: 2, [name]: 'y' }] },
        {
          primaryKey: 'id',
          types: { [name]: 'TEXT' },
          defaults: { [name]: 'd' },
        },
      );
      expect(sparse.table().objects()).toEqual([
        { id: 1, [name]: null },
        { id: 2, [name]: 'y' },
      ]);
      // Options that do not name the column do not find Object's member either.
      await db.createTable(
        `plain_${name}`,
        { csv: `id,${name}\n1,5` },
        { types: {}, defaults: {} },
      );
      expect(await rows(db, `SELECT "${name}" AS v FROM "plain_${name}"`)).toEqual([{ v: 5 }]);
    }
  });

  it('__proto__, which no Arquero table can hold, is refused from every source: invalid_identifier', async () => {
    const db = await fresh();
    for (const source of [
      { csv: 'id,__proto__\n1,x' },
      { json: '[{"id":1,"__proto__":"x"}]' },
      { json: '{"id":[1],"__proto__":["x"]}' },
      {
        arrow: fl.tableToIPC(
          fl.tableFromColumns([
            ['id', fl.columnFromArray([1])],
            ['__proto__', fl.columnFromArray(['x'])],
          ] as never),
          {},
        )!,
      },
    ]) {
      const e = await errorOf(() => db.createTable('t', source));
      expect(e).toBeInstanceOf(PandalchemyError);
      expect(e).toMatchObject({ code: 'invalid_identifier', column: '__proto__' });
    }
    expect(db.tableNames()).toEqual([]);
  });
});

describe('columns with nothing to infer a type from', () => {
  it('have no declared type, and take what a later edit writes; types choose one', async () => {
    const storage = new MemoryStorage();
    const db = await fresh(storage);
    const made = [
      await db.createTable('e', aq.table({ id: [] as number[], n: [] as number[] })),
      await db.createTable('c', { csv: 'id,n\n' }),
      await db.createTable('j', { json: [{ id: 1, n: null }] }),
      await db.createTable('a', { csv: 'id,n\n1,\n2,' }, { primaryKey: 'id' }),
    ];
    for (const t of made) {
      const types = Object.fromEntries(t.info.columns.map((c) => [c.name, c.declaredType]));
      expect(types.n, t.name).toBe('');
      const key = t.name === 'a' ? 9 : undefined;
      t.insert([
        { ...(key ? { id: key } : {}), n: 5 },
        { ...(key ? { id: key + 1 } : {}), n: 'five' },
        { ...(key ? { id: key + 2 } : {}), n: new Uint8Array([5]) },
      ]);
      await t.push();
    }
    expect(await rows(db, 'SELECT typeof(n) AS t FROM a WHERE id > 2 ORDER BY id')).toEqual([
      { t: 'integer' },
      { t: 'text' },
      { t: 'blob' },
    ]);
    const again = await fresh(storage);
    expect((await again.table('e')).table().array('n')).toEqual([5, 'five', new Uint8Array([5])]);
    const typed = await db.createTable('typed', { csv: 'id,n\n' }, { types: { n: 'TEXT' } });
    expect(typed.info.columns.map((c) => c.declaredType)).toEqual(['', 'TEXT']);
  });
});
