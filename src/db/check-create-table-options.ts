import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';
import { FOREIGN_KEY_ACTIONS } from '../plan/execution-plan';
import type { CreateTableOptions } from './create-table-options';
import { ownField } from '../values/own-field';

/** Says what a value should be, or null when it is that. */
type Check = (value: unknown) => string | null;

const isObject = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const name: Check = (v) => (typeof v === 'string' ? null : 'a name (a string)');
const names: Check = (v) =>
  typeof v === 'string' || (Array.isArray(v) && v.every((n) => typeof n === 'string'))
    ? null
    : 'a name or an array of names';
const strings: Check = (v) =>
  Array.isArray(v) && v.every((n) => typeof n === 'string') ? null : 'an array of strings';
const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const fn: Check = (v) => (typeof v === 'function' ? null : 'a function');
const action: Check = (v) =>
  (FOREIGN_KEY_ACTIONS as readonly unknown[]).includes(v)
    ? null
    : `one of ${FOREIGN_KEY_ACTIONS.map((a) => `'${a}'`).join(', ')}`;
const recordOf =
  (what: string, each: Check | null): Check =>
  (v) =>
    isObject(v) &&
    (each === null || Object.values(v).every((x) => x === undefined || each(x) === null))
      ? null
      : what;
const listOf =
  (what: string, each: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every((x) => each(x) === null) ? null : what;

/** The keys an object of `keys` may have, each checked: a key not listed is refused. */
type Shape = Readonly<Record<string, Check>>;

const FOREIGN_KEY: Shape = {
  columns: names,
  references: name,
  to: names,
  onDelete: action,
  onUpdate: action,
};
const INDEX: Shape = { name, columns: names, unique: boolean };

const OPTIONS: Readonly<Record<keyof CreateTableOptions, Check | readonly [Shape]>> = {
  primaryKey: names,
  autoIncrement: boolean,
  types: recordOf('an object of declared types by column ({ price: "REAL" })', name),
  notNull: strings,
  defaults: recordOf('an object of default values by column', null),
  unique: listOf('an array of column names or arrays of names', names),
  checks: strings,
  columnChecks: recordOf('an object of CHECK expressions by column', name),
  foreignKeys: [FOREIGN_KEY],
  indexes: [INDEX],
  onProgress: fn,
};

/**
 * Refuses createTable() options that are not an object, an option it does not have (a misspelt
 * `primarykey` was ignored and the table made without a key), and an option or a field of a
 * foreign key or index of the wrong kind (`indexes: [{ unique: 'yes' }]` made a plain index), with
 * `invalid_argument` before anything is read or created, as createIndex() and push() refuse theirs.
 * Options left `undefined` are the defaults. Names, columns and expressions are checked against
 * the data later.
 *
 * @example
 * ```ts
 * checkCreateTableOptions({ primaryKey: 'id', indexes: [{ name: 'i', columns: 'v', unique: 'yes' }] });
 * // throws: createTable()'s option 'indexes[0].unique' is true or false; got text 'yes'.
 * ```
 */
export function checkCreateTableOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isObject(options)) {
    throw refused(
      `createTable() takes its options as an object ({ primaryKey: 'id' } and the like); got ${describeValue(options)}.`,
    );
  }
  checkShape(options, OPTIONS as Readonly<Record<string, Check | readonly [Shape]>>, '');
}

function checkShape(
  value: object,
  shape: Readonly<Record<string, Check | readonly [Shape]>>,
  path: string,
): void {
  for (const [key, v] of Object.entries(value)) {
    const rule = ownField(shape, key);
    if (rule === undefined) {
      const known = Object.keys(shape).join(', ');
      throw refused(
        path
          ? `createTable()'s ${path} has no field '${key}': its fields are ${known}.`
          : `createTable() has no option '${key}': its options are ${known}.`,
      );
    }
    const at = path ? `${path}.${key}` : key;
    if (v === undefined) continue;
    if (typeof rule === 'function') {
      const expected = rule(v);
      if (expected !== null) {
        throw refused(`createTable()'s option '${at}' is ${expected}; got ${describeValue(v)}.`);
      }
      continue;
    }
    const [entry] = rule;
    if (!Array.isArray(v)) {
      throw refused(`createTable()'s option '${at}' is an array; got ${describeValue(v)}.`);
    }
    v.forEach((item: unknown, i) => {
      if (!isObject(item)) {
        throw refused(
          `createTable()'s option '${at}[${i}]' is an object (${Object.keys(entry).join(', ')}); got ${describeValue(item)}.`,
        );
      }
      checkShape(item, entry, `${at}[${i}]`);
    });
  }
}

function refused(message: string): PandalchemyError {
  return new PandalchemyError('invalid_argument', message);
}
