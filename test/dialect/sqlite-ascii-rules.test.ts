import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { affinityOf, applyAffinity } from '../../src/dialect/sqlite/affinity';
import { retypeInCreateSql } from '../../src/dialect/sqlite/create-table-text';
import { isRowidKeyed } from '../../src/dialect/sqlite/sqlite-rowid';
import { identifierKey } from '../../src/dialect/sqlite/sqlite-text';
import { findTable } from '../../src/engine/introspect';
import { selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { loadSql } from '../support/memory-storage';

// SQLite folds case and skips space the ASCII way only. Each property builds names, declared
// types and texts from pieces that JavaScript's Unicode-wide toUpperCase(), toLowerCase(), trim()
// and `\s` treat otherwise (dotless ı, long ſ, the Kelvin sign, é/É, ß, no-break and em spaces, a
// byte-order mark), and compares what the library predicts with what real SQLite does.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

let db: SqlDatabase;
beforeAll(async () => {
  const SQL = await loadSql();
  db = new SQL.Database();
});

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Words of declared types: SQLite's affinity words, and look-alikes only Unicode folds to them. */
const TYPE_PIECES = [
  'int',
  'INT',
  'ınt',
  'İNT',
  'integer',
  'ınteger',
  'char',
  'ᴄhar',
  'clob',
  'text',
  'blob',
  'real',
  'floa',
  'doub',
  'ſ',
  'K',
  'ß',
  'é',
  'É',
  'x',
  '\u00a0',
  '\u2003',
];
const declaredType = fc
  .array(fc.constantFrom(...TYPE_PIECES), { maxLength: 3 })
  .map((words) => words.join(''));

let tables = 0;
const freshTable = (): string => `t${tables++}`;

/** SQLite's storage classes for '12', 12 and '1.5' written to a column: its affinity, observed. */
function observedAffinity(type: string): string {
  const t = freshTable();
  db.run(`CREATE TABLE ${t} (c ${type})`);
  db.run(`INSERT INTO ${t} VALUES ('12'), (12), ('1.5')`);
  const classes = selectRows(db, `SELECT typeof(c) FROM ${t} ORDER BY rowid`).flat();
  const declared = findTable(db, t)!.columns[0]!.declaredType;
  db.run(`DROP TABLE ${t}`);
  return `${declared}|${classes.join(',')}`;
}

const CLASSES: Record<string, string> = {
  INTEGER: 'integer,integer,real',
  NUMERIC: 'integer,integer,real',
  REAL: 'real,real,real',
  TEXT: 'text,text,text',
  BLOB: 'text,integer,text',
};

describe('SQLite folds case and skips space the ASCII way only', () => {
  it('a declared type has the affinity SQLite gives it', () => {
    fc.assert(
      fc.property(declaredType, (type) => {
        const [declared, classes] = observedAffinity(type).split('|') as [string, string];
        expect(CLASSES[affinityOf(declared)], `type ${JSON.stringify(declared)}`).toBe(classes);
      }),
      { numRuns: RUNS },
    );
  });

  it('a one-column primary key is the rowid exactly when SQLite makes it so', () => {
    fc.assert(
      fc.property(declaredType, (type) => {
        const t = freshTable();
        db.run(`CREATE TABLE ${t} (k ${type} PRIMARY KEY, v)`);
        db.run(`INSERT INTO ${t} (k, v) VALUES (NULL, 1)`);
        // A rowid alias takes a rowid for NULL; any other primary key keeps the NULL.
        const alias = selectRows(db, `SELECT typeof(k) FROM ${t}`)[0]![0] === 'integer';
        const info = findTable(db, t)!;
        db.run(`DROP TABLE ${t}`);
        expect(isRowidKeyed(info), `type ${JSON.stringify(type)}`).toBe(alias);
      }),
      { numRuns: RUNS },
    );
  });

  it('text written under each affinity is stored as applyAffinity predicts', () => {
    const t = freshTable();
    db.run(`CREATE TABLE ${t} (i INTEGER, r REAL, n NUMERIC, x TEXT, b BLOB)`);
    const text = fc
      .array(
        fc.constantFrom(
          '1',
          '2',
          '0',
          '.',
          'e',
          '+',
          '-',
          ' ',
          '\t',
          '\v',
          '\u00a0',
          '\u2003',
          '\ufeff',
          'x',
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (value) => {
        db.run(`DELETE FROM ${t}`);
        db.run(`INSERT INTO ${t} VALUES (?, ?, ?, ?, ?)`, [value, value, value, value, value]);
        const stored = selectRows(db, `SELECT i, r, n, x, b FROM ${t}`)[0]!;
        ['INTEGER', 'REAL', 'NUMERIC', 'TEXT', 'BLOB'].forEach((type, c) => {
          const predicted = applyAffinity(type, value);
          const got = stored[c];
          expect(
            typeof predicted === 'bigint' ? Number(predicted) : predicted,
            `${type} ${JSON.stringify(value)}`,
          ).toStrictEqual(got);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('columns whose names differ in non-ASCII case are two columns, each retyped alone', () => {
    // Pairs SQLite tells apart, and one it does not (ASCII): the library must agree on both.
    const pairs: [string, string][] = [
      ['é', 'É'],
      ['ı', 'I'],
      ['ſ', 's'],
      ['\u212a', 'k'],
      ['straße', 'STRASSE'],
      ['Zip', 'zip'],
    ];
    for (const [a, b] of pairs) {
      const same = identifierKey(a) === identifierKey(b);
      const t = freshTable();
      let created = true;
      try {
        db.run(`CREATE TABLE ${t} (${q(a)} TEXT, ${q(b)} TEXT)`);
      } catch {
        created = false;
      }
      // SQLite refuses the table exactly when the two names are one to it.
      expect(created, `${a} / ${b}`).toBe(!same);
      if (!created) continue;
      const sql = findTable(db, t)!.sql;
      const retyped = retypeInCreateSql(sql, b, 'INTEGER');
      db.run(`DROP TABLE ${t}`);
      db.run(retyped);
      const types = selectRows(db, `SELECT name, type FROM pragma_table_info('${t}')`).map(
        ([n, ty]) => `${String(n)} ${String(ty)}`,
      );
      db.run(`DROP TABLE ${t}`);
      expect(types, `${a} / ${b}`).toStrictEqual([`${a} TEXT`, `${b} INTEGER`]);
    }
  });
});
