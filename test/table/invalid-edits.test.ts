import { describe, expect, test } from 'vitest';
import { PandalchemyError, type ErrorCode, type TrackedTable } from '../../src/index';
import { places, rowsOf, users } from '../support/tables';

function expectCode(fn: () => unknown, code: ErrorCode): PandalchemyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PandalchemyError);
    expect((e as PandalchemyError).code).toBe(code);
    expect((e as PandalchemyError).message.length).toBeGreaterThan(20);
    return e as PandalchemyError;
  }
  throw new Error(`expected an error with code ${code}`);
}

const cases: [string, ErrorCode, (t: TrackedTable) => unknown][] = [
  ['an unknown column', 'unknown_column', (t) => t.set(1, 'nope', 1)],
  ['an unknown key', 'row_not_found', (t) => t.set(99, 'name', 'x')],
  ['a duplicate key on insert', 'duplicate_key', (t) => t.insert({ id: 1, name: 'dup' })],
  ['a duplicate key on key change', 'duplicate_key', (t) => t.set(1, 'id', 2)],
  ['a NULL key value', 'null_key', (t) => t.set(1, 'id', null)],
  ['text into a REAL column', 'invalid_value', (t) => t.set(1, 'score', 'high')],
  ['a number into a TEXT column', 'invalid_value', (t) => t.set(1, 'zip', 4567)],
  ['NaN into a REAL column', 'invalid_value', (t) => t.set(1, 'score', NaN)],
  ['a fraction into an INTEGER key', 'invalid_value', (t) => t.set(1, 'id', 1.5)],
  ['an integer beyond 64 bits', 'invalid_value', (t) => t.set(1, 'id', 2n ** 64n)],
  ['renaming onto an existing name', 'name_taken', (t) => t.renameColumn('name', 'zip')],
  ['adding an existing column', 'name_taken', (t) => t.addColumn('name', { type: 'TEXT' })],
  ['dropping a key column', 'key_column', (t) => t.dropColumn('id')],
  ['retyping a key column', 'key_column', (t) => t.retypeColumn('id', 'TEXT')],
  ['an empty column name', 'invalid_identifier', (t) => t.addColumn('', { type: 'TEXT' })],
  [
    'a type that is SQL',
    'invalid_argument',
    (t) => t.addColumn('x', { type: 'INT); DROP TABLE users; --' }),
  ],
  [
    'NOT NULL without default',
    'invalid_argument',
    (t) => t.addColumn('x', { type: 'TEXT', notNull: true }),
  ],
  ['a wrong number of values', 'invalid_argument', (t) => t.assign('score', [1, 2])],
  [
    'values that the new type cannot hold',
    'invalid_value',
    (t) => t.retypeColumn('name', 'INTEGER'),
  ],
  [
    'a transform that drops the key',
    'invalid_transform',
    (t) => t.transform((x) => x.select('name')),
  ],
  [
    'a transform that duplicates keys',
    'duplicate_key',
    (t) => t.transform((x) => x.concat(x.filter((d: { id: number }) => d.id === 1))),
  ],
  ['a transform that is not a table', 'invalid_transform', (t) => t.transform(() => ({}) as never)],
];

describe('invalid edits', () => {
  test.each(cases)('refuses %s with a typed error and changes nothing', (_what, code, edit) => {
    const t = users().set(3, 'name', 'pending');
    const before = rowsOf(t);
    const ops = t.operations().length;
    const changes = t.changes();
    expectCode(() => edit(t), code);
    expect(rowsOf(t)).toEqual(before);
    expect(t.operations()).toHaveLength(ops);
    expect(t.changes()).toEqual(changes);
  });

  test('refuses a NULL key on insert unless the database assigns keys', () => {
    const t = places();
    expectCode(() => t.insert({ region: null, code: 5, label: 'x' }), 'null_key');
    expect(t.hasChanges).toBe(false);
    const u = users().insert({ name: 'auto' });
    expect(u.changes().inserts[0]!.key).toEqual([null]);
  });

  test('a failing multi-row insert inserts none of its rows', () => {
    const t = users();
    expectCode(
      () =>
        t.insert([
          { id: 10, name: 'ok' },
          { id: 1, name: 'dup' },
        ]),
      'duplicate_key',
    );
    expect(t.has(10)).toBe(false);
    expect(t.hasChanges).toBe(false);
  });

  test('names the table, column and key in errors', () => {
    const e = expectCode(() => users().set(1, 'score', 'x'), 'invalid_value');
    expect(e.table).toBe('users');
    expect(e.column).toBe('score');
    const k = expectCode(() => places().set(['eu', 9], 'label', 'x'), 'row_not_found');
    expect(k.key).toEqual(['eu', 9]);
  });
});
