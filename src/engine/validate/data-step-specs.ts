import type { DataStep } from '../../plan/execution-plan';
import { count, declaredTypes, ignore, names } from './field-checks';
import { guard } from './guard';
import type { StepSpec } from './step-spec';
import { columns } from './value-checks';

/**
 * The fields of each data step, as data: a step of a kind has exactly these (`kind` and `table`
 * besides). Columns of values are checked against `count` and the names they are for, in
 * `consistent`. See `validatePlan`.
 *
 * @example
 * ```ts
 * Object.keys(DATA_STEP_SPECS.delete.fields); // ['key', 'keyTypes', 'keys', 'count', 'guard']
 * ```
 */
export const DATA_STEP_SPECS: { readonly [K in DataStep['kind']]: StepSpec } = {
  delete: {
    fields: { key: names(1), keyTypes: ignore, keys: ignore, count, guard: ignore },
    consistent: (s, at) => {
      const n = s['count'] as number;
      const key = s['key'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, key.length, 'key');
      columns(s['keys'], `${at}.keys`, key.length, n);
      guard(s['guard'], `${at}.guard`, n);
    },
  },
  update: {
    fields: {
      key: names(1),
      keyTypes: ignore,
      keys: ignore,
      set: names(1),
      types: ignore,
      values: ignore,
      count,
      guard: ignore,
    },
    consistent: (s, at) => {
      const n = s['count'] as number;
      const key = s['key'] as string[];
      const set = s['set'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, key.length, 'key');
      columns(s['keys'], `${at}.keys`, key.length, n);
      declaredTypes(s['types'], `${at}.types`, set.length, 'set');
      columns(s['values'], `${at}.values`, set.length, n);
      guard(s['guard'], `${at}.guard`, n);
    },
  },
  insert: {
    fields: {
      key: names(0),
      keyTypes: ignore,
      columns: names(0),
      types: ignore,
      values: ignore,
      count,
    },
    consistent: (s, at) => {
      const cols = s['columns'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, (s['key'] as string[]).length, 'key');
      declaredTypes(s['types'], `${at}.types`, cols.length, 'columns');
      columns(s['values'], `${at}.values`, cols.length, s['count'] as number);
    },
  },
};
