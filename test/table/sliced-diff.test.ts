import { describe, expect, test } from 'vitest';
import { TrackedTable } from '../../src/table/tracked-table';
import { diffTable, diffTableSliced } from '../../src/table/diff-table';
import { benchData, benchInfo } from '../../bench/data';

/** Typed arrays as plain arrays, so that two diffs compare by value. */
const plain = (d: unknown): unknown =>
  JSON.parse(
    JSON.stringify(d, (_k, v: unknown) =>
      ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
    ),
  );

describe('the plan of a push built in slices', () => {
  test('is the plan built at once, and pauses between columns and stretches of rows', async () => {
    const rows = 140_000;
    const t = new TrackedTable(benchInfo(), benchData(rows));
    // A whole column changed, cells of another, rows deleted and inserted: every group of a plan.
    t.assign(
      'price',
      Float64Array.from(t.table().array('price') as ArrayLike<number>, (v) => v + 1),
    );
    t.set(5, 'name', 'renamed')
      .delete([7, 9])
      .insert({ id: rows + 1, qty: 1, name: 'new' });
    let pauses = 0;
    const sliced = await diffTableSliced(t.state, 0, () => {
      pauses++;
      return Promise.resolve();
    });
    // Fresh, not the collection the sliced run cached.
    const fresh = new TrackedTable(benchInfo(), benchData(rows));
    fresh.assign(
      'price',
      Float64Array.from(fresh.table().array('price') as ArrayLike<number>, (v) => v + 1),
    );
    fresh
      .set(5, 'name', 'renamed')
      .delete([7, 9])
      .insert({ id: rows + 1, qty: 1, name: 'new' });
    expect(plain(sliced)).toEqual(plain(diffTable(fresh.state)));
    // At least one pause per stretch of the whole column's rows (two), and per column.
    expect(pauses).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
