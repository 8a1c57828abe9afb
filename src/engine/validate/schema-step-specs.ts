import { FOREIGN_KEY_ACTIONS, type SchemaStep } from '../../plan/execution-plan';
import {
  bool,
  checkText,
  declaredType,
  ignore,
  indexName,
  list,
  name,
  nameOrNull,
  names,
  oneOf,
  record,
} from './field-checks';
import { bad, isObject, type Check } from './malformed';
import type { StepSpec } from './step-spec';
import { columns, sqlValue, storedColumn } from './value-checks';
import { asciiTrim, asciiUpper } from '../../values/ascii-case';

const KEYWORDS: ReadonlySet<string> = new Set([
  'CURRENT_TIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
]);

const columnDefault: Check = (v, at) => {
  if (v === null) return;
  if (isObject(v) && 'keyword' in v) {
    record({ keyword: oneOf([...KEYWORDS]) })(v, at);
    return;
  }
  record({ value: sqlValue })(v, at);
  const value = (v as { value: unknown }).value;
  if (typeof value === 'string' && value.includes('\0'))
    bad(`${at}.value`, 'is text holding NUL, which a DEFAULT clause (SQL text) cannot hold');
};

const columnDefinition = record({
  name,
  declaredType,
  notNull: bool,
  default: columnDefault,
});

/** Every name `createTable` lists besides its columns must be one of them. */
const createTableConsistent: StepSpec['consistent'] = (s, at) => {
  const cols = s['columns'] as { name: string; declaredType: string }[];
  const pk = s['primaryKey'] as string[];
  const column = (k: string, path: string): void => {
    if (!cols.some((c) => c.name === k))
      bad(path, `names ${JSON.stringify(k)}, which is not a column`);
  };
  pk.forEach((k, i) => column(k, `${at}.primaryKey[${i}]`));
  const single = pk.length === 1 ? cols.find((c) => c.name === pk[0]) : undefined;
  if (
    s['autoIncrement'] === true &&
    asciiUpper(asciiTrim(single?.declaredType ?? '')) !== 'INTEGER'
  )
    bad(`${at}.autoIncrement`, 'needs a primary key of one INTEGER column');
  ((s['unique'] ?? []) as string[][]).forEach((u, i) =>
    u.forEach((k, j) => column(k, `${at}.unique[${i}][${j}]`)),
  );
  ((s['checks'] ?? []) as { column: string | null }[]).forEach((c, i) => {
    if (c.column !== null) column(c.column, `${at}.checks[${i}].column`);
  });
  ((s['foreignKeys'] ?? []) as { columns: string[]; to: string[] }[]).forEach((fk, i) => {
    fk.columns.forEach((k, j) => column(k, `${at}.foreignKeys[${i}].columns[${j}]`));
    if (fk.to.length && fk.to.length !== fk.columns.length)
      bad(
        `${at}.foreignKeys[${i}].to`,
        `lists ${fk.to.length} columns for ${fk.columns.length} referencing ones`,
      );
  });
};

/**
 * The fields of each schema step, as data: a step of a kind has exactly these (`kind` and `table`
 * besides). See `validatePlan`.
 *
 * @example
 * ```ts
 * SCHEMA_STEP_SPECS.dropColumn.fields; // { column: name }
 * ```
 */
export const SCHEMA_STEP_SPECS: { readonly [K in SchemaStep['kind']]: StepSpec } = {
  createTable: {
    fields: {
      columns: (v, at) => {
        if (!Array.isArray(v) || v.length === 0) bad(at, 'lists no columns');
        (v as unknown[]).forEach((c, i) => columnDefinition(c, `${at}[${i}]`));
        const list = (v as { name: string }[]).map((c) => c.name);
        names(1)(list, at);
      },
      primaryKey: names(0),
      autoIncrement: bool,
      'unique?': list(names(1)),
      'checks?': list(record({ column: nameOrNull, expression: checkText })),
      'foreignKeys?': list(
        record({
          columns: names(1),
          references: name,
          to: names(0),
          onDelete: oneOf(FOREIGN_KEY_ACTIONS),
          onUpdate: oneOf(FOREIGN_KEY_ACTIONS),
        }),
      ),
    },
    consistent: createTableConsistent,
  },
  createIndex: { fields: { index: indexName, columns: names(1), unique: bool } },
  dropIndex: { fields: { index: indexName } },
  dropTable: { fields: {} },
  renameColumn: {
    fields: { from: name, to: name },
    consistent: (s, at) => {
      if (s['from'] === s['to']) bad(`${at}.to`, 'is the name the column has');
    },
  },
  dropColumn: { fields: { column: name } },
  addColumn: { fields: { column: columnDefinition } },
  retypeColumn: {
    fields: {
      column: name,
      declaredType,
      'changes?': record({ key: names(1), keys: ignore, before: ignore, after: ignore }),
    },
    consistent: (s, at) => {
      const c = s['changes'] as
        { key: string[]; keys: unknown; before: unknown; after: unknown } | undefined;
      if (!c) return;
      storedColumn(c.before, `${at}.changes.before`);
      const n = (c.before as ArrayLike<unknown>).length;
      storedColumn(c.after, `${at}.changes.after`, n);
      columns(c.keys, `${at}.changes.keys`, c.key.length, n);
    },
  },
};
