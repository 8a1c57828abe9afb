import * as aq from 'arquero';
import fc from 'fast-check';
import { trackedTable, type TrackedTable } from '../../src/index';

/** A tracked table of every kind of value, and edits of every kind, for the drafts' tests. */
export function fresh(): TrackedTable {
  return trackedTable(aq.table(COLUMNS), {
    name: 'items',
    key: 'id',
    types: { big: 'INTEGER', blob: 'BLOB', d: 'DATETIME' },
  });
}

const COLUMNS = {
  id: [1, 2, 3, 4, 5],
  n: [10, 20, 30, null, 50],
  big: [1n, 2n ** 62n, -3n, 0n, null],
  r: [0.5, -0, 1e300, null, 2],
  s: ['a', 'b', '', null, 'é 🎉'],
  blob: [new Uint8Array([1]), null, new Uint8Array([]), new Uint8Array([0, 255]), null],
  d: [new Date(Date.UTC(2020, 0, 1)), null, new Date(0), new Date(-1), null],
};

/** The text part of row `k`'s key in the two-column key: empty and non-ASCII text included. */
const part = (k: number): string => ['x', 'é 🎉', ''][k % 3]!;

/** The same table keyed by two columns, (`id`, `g`): the drafts keep keys as arrays then. */
export function freshComposite(): TrackedTable {
  return trackedTable(aq.table({ ...COLUMNS, g: COLUMNS.id.map(part) }), {
    name: 'items',
    key: ['id', 'g'],
    types: { big: 'INTEGER', blob: 'BLOB', d: 'DATETIME' },
  });
}

/** Everything a user can see of a table, exact (BigInt, bytes, -0, dates, NULL kept apart). */
export function seen(t: TrackedTable, times = true): unknown {
  const tag = (v: unknown): unknown =>
    typeof v === 'bigint'
      ? `${v}n`
      : Object.is(v, -0)
        ? '-0'
        : v instanceof Date
          ? `date ${v.getTime()}`
          : v instanceof Uint8Array
            ? `bytes ${[...v].join(',')}`
            : v;
  const rows = t
    .table()
    .objects()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, tag(v)])));
  const changes = t.changes();
  return {
    columns: t.columns,
    rows,
    counts: t.changeCounts(),
    changes: JSON.stringify(changes, (_, v: unknown) => tag(v)),
    sql: t.toSql(),
    // Later (after more edits) only kinds: the open table describes an edit when asked, by the
    // column's name then, where the draft keeps the description it had when saved.
    operations: t.operations().map((o) => (times ? [o.kind, o.description, o.at] : o.kind)),
    canUndo: t.canUndo,
    canRedo: t.canRedo,
    refs: [...t.rowRefs({ includeDeleted: true })].map((r) => t.rowState(r)),
  };
}

/** The net pending changes alone (a rebase keeps them, not the history). */
export function pendingOf(t: TrackedTable): unknown {
  const all = seen(t, false) as Record<string, unknown>;
  return { rows: all['rows'], counts: all['counts'], sql: all['sql'] };
}

export type Edit = (t: TrackedTable) => unknown;

const value = fc.oneof(
  fc.integer({ min: -3, max: 60 }),
  fc.constant(null),
  fc.constantFrom('x', '', 'émoji 🎉', "O'Brien"),
  fc.constant(-0),
);
const row = fc.integer({ min: 1, max: 9 });

/**
 * Edits of every kind for a table whose row `k` has key `key(k)`, and whose inserted row `k`
 * gets the key columns `keyColumns(k)`.
 */
function editsFor(
  key: (k: number) => number | [number, string],
  keyColumns: (k: number) => Record<string, unknown>,
  rekeys: fc.Arbitrary<[string, Edit]>[],
): fc.Arbitrary<[string, Edit]> {
  return fc.oneof(
    fc
      .tuple(row, fc.constantFrom('n', 's', 'r'), value)
      .map(([k, c, v]): [string, Edit] => [
        `set ${k} ${c} ${String(v)}`,
        (t) => t.set(key(k), c, v),
      ]),
    fc
      .tuple(row, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))
      .map(([k, v]): [string, Edit] => [`set ${k} big ${v}n`, (t) => t.set(key(k), 'big', v)]),
    fc
      .tuple(row, fc.uint8Array({ maxLength: 3 }))
      .map(([k, v]): [string, Edit] => [`set ${k} blob`, (t) => t.set(key(k), 'blob', v)]),
    fc
      .tuple(row, fc.integer({ min: -1e6, max: 1e6 }))
      .map(([k, v]): [string, Edit] => [
        `set ${k} d`,
        (t) => t.set(key(k), 'd', new Date(v * 1000)),
      ]),
    fc
      .tuple(row, value)
      .map(([k, v]): [string, Edit] => [
        `insert ${k}`,
        (t) => t.insert({ ...keyColumns(k), n: typeof v === 'number' ? v : null, s: 'new' }),
      ]),
    row.map((k): [string, Edit] => [`delete ${k}`, (t) => t.delete(key(k))]),
    ...rekeys,
    fc.constant<[string, Edit]>(['undo', (t) => t.undo()]),
    fc.constant<[string, Edit]>(['undo', (t) => t.undo()]),
    fc.constant<[string, Edit]>(['redo', (t) => t.redo()]),
    fc.constant<[string, Edit]>([
      'updateWhere',
      (t) => t.updateWhere((d) => (d['n'] as number) > 15, { s: 'big' }),
    ]),
    fc.constant<[string, Edit]>(['deleteWhere', (t) => t.deleteWhere((d) => d['s'] === '')]),
    fc.constant<[string, Edit]>([
      'assign',
      (t) => t.assign('r', (d: Record<string, unknown>) => (d['n'] as number) * 2),
    ]),
    fc.constant<[string, Edit]>([
      'transform',
      (t) =>
        t.transform((x) => x.derive({ n: (d: Record<string, unknown>) => (d['n'] as number) + 1 })),
    ]),
    fc.constant<[string, Edit]>([
      'addColumn',
      (t) =>
        t.addColumn('extra', {
          type: 'TEXT',
          values: (d: Record<string, unknown>) => `${d['id']}`,
        }),
    ]),
    fc.constant<[string, Edit]>(['dropColumn', (t) => t.dropColumn('s')]),
    fc.constant<[string, Edit]>(['rename', (t) => t.renameColumn('n', 'm')]),
    fc.constant<[string, Edit]>(['rename back', (t) => t.renameColumn('m', 'n')]),
    fc.constant<[string, Edit]>(['retype', (t) => t.retypeColumn('n', 'TEXT')]),
    fc.constant<[string, Edit]>([
      'retype back',
      (t) => t.retypeColumn('n', 'INTEGER', { invalid: 'null' }),
    ]),
    fc.constant<[string, Edit]>(['createIndex', (t) => t.createIndex('by_s', 's')]),
    fc.constant<[string, Edit]>(['dropIndex', (t) => t.dropIndex('by_s')]),
    fc.constant<[string, Edit]>(['discard', (t) => t.discard()]),
  );
}

const keyChanges = (
  key: (k: number) => number | [number, string],
): fc.Arbitrary<[string, Edit]>[] => [
  fc
    .tuple(row, row)
    .map(([a, b]): [string, Edit] => [`rekey ${a} ${b}`, (t) => t.set(key(a), 'id', b)]),
  fc.tuple(row, row).map(([a, b]): [string, Edit] => [
    `swap ${a} ${b}`,
    (t) =>
      t.setCells([
        { key: key(a), column: 'id', value: b },
        { key: key(b), column: 'id', value: a },
      ]),
  ]),
];

/** Edits of every kind for {@link fresh}'s table. */
export const edit = editsFor(
  (k) => k,
  (k) => ({ id: k }),
  keyChanges((k) => k),
);

const compositeKey = (k: number): [number, string] => [k, part(k)];

/** Edits of every kind for {@link freshComposite}'s table: either key column changed too. */
export const compositeEdit = editsFor(compositeKey, (k) => ({ id: k, g: part(k) }), [
  ...keyChanges(compositeKey),
  fc
    .tuple(row, row)
    .map(([a, b]): [string, Edit] => [
      `rekey ${a} g ${b}`,
      (t) => t.set(compositeKey(a), 'g', part(b)),
    ]),
]);

/** Runs an edit, as a user would: a refused one changes nothing and says why. */
export function run(t: TrackedTable, e: Edit): string {
  try {
    const result = e(t);
    return typeof result === 'object' && result !== null && 'state' in result
      ? 'ok'
      : (JSON.stringify(result) ?? 'ok');
  } catch (err) {
    return `refused ${(err as { code?: string }).code ?? String(err)}`;
  }
}
