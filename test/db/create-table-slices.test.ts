import * as aq from 'arquero';
import { expect, test } from 'vitest';
import { createTableSteps, createTableWork } from '../../src/db/create-table-steps';
import { runInSlices } from '../../src/schedule/run-in-slices';
import { PandalchemyError } from '../../src/index';

const ROWS = 10_000;

/** A table of every kind of column createTable encodes, NULLs included. */
function events(rows: number, duplicateAt: number | null = null) {
  const id = Array.from({ length: rows }, (_, i) => (i === duplicateAt ? 1 : i + 1));
  return aq.table({
    id,
    big: id.map((i) => (i % 7 === 0 ? null : BigInt(i) * 2n ** 40n)),
    kind: id.map((i) => (i % 5 === 0 ? null : `k${i % 3}`)),
    at: id.map((i) => new Date(Date.UTC(2024, 0, 1) + i * 29_000)),
    flagged: id.map((i) => i % 2 === 0),
  });
}

const OPTIONS = { primaryKey: 'id', types: { big: 'INTEGER', at: 'DATETIME' } };

test('creating a table in slices pauses between them, reports cells done, and builds the same steps', async () => {
  const table = events(ROWS);
  const seen: { done: number; total: number }[] = [];
  // A zero-length slice pauses at every chance: what a slow page would do.
  const steps = await runInSlices(
    createTableWork('events', table, OPTIONS),
    (p) => seen.push(p),
    0,
  );
  expect(steps).toEqual(createTableSteps('events', table, OPTIONS));
  // Five columns encoded, then the key checked once more: progress counts those cells.
  const total = ROWS * 6;
  expect(seen.length).toBeGreaterThan(10);
  expect(seen.every((p) => p.total === total && p.done > 0 && p.done <= total)).toBe(true);
  expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
});

test('a duplicate key found in a later slice is refused as it is at once', async () => {
  const table = events(ROWS, ROWS - 10);
  const once = (() => {
    try {
      createTableSteps('events', table, OPTIONS);
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(once).toBeInstanceOf(PandalchemyError);
  const sliced = await runInSlices(createTableWork('events', table, OPTIONS), () => {}, 0).then(
    () => null,
    (e: unknown) => e,
  );
  expect(sliced).toBeInstanceOf(PandalchemyError);
  expect((sliced as PandalchemyError).code).toBe('duplicate_key');
  expect((sliced as PandalchemyError).message).toBe((once as PandalchemyError).message);
});

test('a filtered, ordered table is created with its rows in its order; numeric keys out of order are checked too', () => {
  const base = aq.table({ id: [3, 1, 2, 5, 4], name: ['c', 'a', 'b', 'e', 'd'] });
  const view = base.filter((d: { id: number }) => d.id !== 5).orderby('id');
  const insert = createTableSteps('t', view, { primaryKey: 'id' }).find((s) => s.kind === 'insert');
  expect(insert && 'values' in insert ? insert.values : null).toEqual([
    Float64Array.of(1, 2, 3, 4),
    ['a', 'b', 'c', 'd'],
  ]);
  const twice = aq.table({ id: [3, 1, 3] });
  expect(() => createTableSteps('t', twice, { primaryKey: 'id' })).toThrow(/key 3/);
});
