import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { trackedTable } from '../../src/index';
import { codeOf } from '../support/code-of';

// Row references name rows for grids (rowRefs(), refsOf(), refOf()). One that names no row (past
// the last row, fractional, NaN, not a number) used to pass as a live row: setAt() recorded an
// update of a NULL key that made every later push fail, and deleteAt() hid rows no plan deleted.

const make = () =>
  trackedTable(aq.table({ id: [1, 2, 3], v: ['a', 'b', 'c'] }), { name: 't', key: ['id'] });

const BAD = [3, 4, 2 ** 32, NaN, 1.5, -0.5, -1, Infinity, '0', null, undefined] as const;

describe('a row reference that names no row', () => {
  for (const ref of BAD) {
    it(`${String(ref)} is refused by every edit taking one, and nothing changes`, () => {
      const t = make();
      const r = ref as number;
      expect(codeOf(() => t.setAt(r, 'v', 'x'))).toBe('row_not_found');
      expect(codeOf(() => t.deleteAt([0, r]))).toBe('row_not_found');
      // Reads are not checked: a grid renders with references a push has just made stale.
      expect(
        codeOf(() => [t.keyAt(r), t.valueAt(r, 'v'), t.rowState(r), t.isChangedAt(r, 'v')]),
      ).toBe(null);
      expect(t.hasChanges).toBe(false);
      expect(t.table().objects()).toEqual(make().table().objects());
    });
  }

  it('deleteAt() takes an array of references, not anything else', () => {
    const t = make();
    for (const refs of [null, undefined, 5, 'ab', { 0: 1 }])
      expect(codeOf(() => t.deleteAt(refs as never))).toBe('invalid_argument');
    expect(t.hasChanges).toBe(false);
  });

  it('references of deleted and inserted rows still read; a deleted row cannot be set', () => {
    const t = make();
    t.insert({ id: 9, v: 'new' });
    const [first, , , inserted] = t.rowRefs();
    t.deleteAt([first!]);
    expect(t.rowState(first!)).toBe('deleted');
    expect(t.valueAt(first!, 'v')).toBe('a');
    expect(t.keyAt(inserted!)).toEqual([9]);
    expect(t.rowState(inserted!)).toBe('inserted');
    expect(codeOf(() => t.setAt(first!, 'v', 'x'))).toBe('row_not_found');
    // Deleting a row already deleted is no error and no change.
    t.deleteAt([first!]);
    expect(t.changeCounts()).toMatchObject({ deletes: 1, inserts: 1 });
    t.discard();
    expect(codeOf(() => t.setAt(inserted!, 'v', 'x'))).toBe('row_not_found');
  });
});
