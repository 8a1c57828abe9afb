import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/index';

// A text value that starts with U+FEFF (a byte-order mark) is text like any other: SQLite stores
// its bytes, and every way back to the page must give it back with the mark. A decoder made by
// `new TextDecoder()` drops it, and one that decodes a whole column at once then shifts every
// later value of the column by a character.

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function connect(name: string): Promise<Database> {
  const db = await openDatabase(name, { drafts: false });
  open.push(db);
  return db;
}

const BOM = '\ufeff';
const keys = [`${BOM}k1`, 'k2', BOM, 'k4'];
const texts = [`${BOM}first`, 'plain', `é${BOM}`, `${BOM}${BOM}x`];

describe('text starting with U+FEFF', () => {
  it('reads back exactly: a table loaded, reopened, pushed to, queried, taken in by another tab', async () => {
    const name = `bom-${crypto.randomUUID()}`;
    const db = await connect(name);
    const t = await db.createTable('t', aq.table({ k: keys, v: texts, n: [1, 2, 3, 4] }), {
      primaryKey: 'k',
    });
    expect(t.table().objects()).toEqual(keys.map((k, i) => ({ k, v: texts[i], n: i + 1 })));

    // Another connection loads it from storage: read in the worker, sent packed to the page.
    const other = await connect(name);
    const o = await other.table('t');
    expect(o.table().array('k')).toEqual(keys);
    expect(o.table().array('v')).toEqual(texts);

    // Edits addressed by such keys, and values written with a mark, reach SQLite as they are.
    t.set(`${BOM}k1`, 'n', 10);
    t.set('k2', 'v', `${BOM}new`);
    t.delete(BOM);
    t.insert({ k: `${BOM}k5`, v: `${BOM}`, n: 5 });
    await t.push();
    const rows = (await db.query('SELECT k, v, n FROM t ORDER BY n')).objects();
    const expected = [
      { k: 'k4', v: `${BOM}${BOM}x`, n: 4 },
      { k: 'k2', v: `${BOM}new`, n: 2 },
      { k: `${BOM}k5`, v: BOM, n: 5 },
      { k: `${BOM}k1`, v: `${BOM}first`, n: 10 },
    ].sort((a, b) => a.n - b.n);
    expect(rows).toEqual(expected);
    expect((await db.query('SELECT hex(v) AS h FROM t WHERE n = 5')).objects()).toEqual([
      { h: 'EFBBBF' },
    ]);

    // The other tab takes the push in from its effects.
    await other.refresh();
    const theirs = (await other.table('t')).table().orderby('n').objects();
    expect(theirs).toEqual(expected);

    // A fresh session reads what storage holds.
    await db.close();
    open.splice(open.indexOf(db), 1);
    await other.close();
    open.splice(open.indexOf(other), 1);
    const again = await connect(name);
    expect((await again.table('t')).table().orderby('n').objects()).toEqual(expected);
  });
});
