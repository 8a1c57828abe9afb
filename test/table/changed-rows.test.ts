import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ChangedRows } from '../../src/table/changed-rows';

// The counts move from a small hash table (here starting at 2 slots: it grows as rows come) to an
// array by row past a share of the rows (here after 2 to 8 rows, a test's threshold), and back to
// the table at a clear: every operation, on either side of the move, must count what a model
// counts.
test('counts the live rows with a changed column as a model does, in its table and its array', () => {
  const op = fc.oneof(
    fc.tuple(fc.constant('add' as const), fc.nat(12)),
    fc.tuple(fc.constant('remove' as const), fc.nat(12)),
    fc.tuple(fc.constant('delete' as const), fc.nat(12)),
    fc.tuple(fc.constant('restore' as const), fc.nat(12)),
    fc.tuple(fc.constant('clear' as const), fc.constant(0)),
    // A whole column's worth at once (`addMarked`): its bits pick the rows below 13.
    fc.tuple(fc.constant('column' as const), fc.nat(2 ** 13 - 1)),
    fc.tuple(fc.constant('uncolumn' as const), fc.nat(2 ** 13 - 1)),
  );
  fc.assert(
    fc.property(
      fc.array(op, { maxLength: 200, size: 'max' }),
      fc.constantFrom(2, 4, 8),
      fc.constantFrom(6, 13),
      (ops, minSparse, rows) => {
        const changed = new ChangedRows(minSparse, 2);
        const model = new Map<number, number>();
        const deleted = new Set<number>();
        for (const [kind, row] of ops) {
          const live = !deleted.has(row);
          const n = model.get(row) ?? 0;
          if (kind === 'add') {
            // Rows past the table's length (appended since it was sized) grow the array.
            changed.add(row, live, rows);
            model.set(row, n + 1);
          } else if (kind === 'remove' && n > 0) {
            changed.remove(row, live);
            if (n === 1) model.delete(row);
            else model.set(row, n - 1);
          } else if (kind === 'delete' && live) {
            changed.hide(row);
            deleted.add(row);
          } else if (kind === 'restore' && !live) {
            deleted.delete(row);
            changed.show(row);
          } else if (kind === 'column' || kind === 'uncolumn') {
            // One fewer only where there is one to take: a column's counts were added before.
            const by = kind === 'column' ? 1 : -1;
            const marks = new Uint8Array(rows);
            for (let r = 0; r < rows; r++)
              if (row & (1 << r) && (by === 1 || (model.get(r) ?? 0) > 0)) marks[r] = 1;
            changed.addMarked(marks, rows, by, (r) => !deleted.has(r));
            for (let r = 0; r < rows; r++) {
              if (marks[r] === 0) continue;
              const now = (model.get(r) ?? 0) + by;
              if (now === 0) model.delete(r);
              else model.set(r, now);
            }
          } else if (kind === 'clear') {
            changed.clear();
            model.clear();
            deleted.clear();
          }
          const expected = [...model.keys()].filter((r) => !deleted.has(r)).length;
          expect(changed.count).toBe(expected);
          for (let r = 0; r <= 12; r++) expect(changed.has(r)).toBe(model.has(r));
        }
      },
    ),
    { numRuns: 500 },
  );
});
