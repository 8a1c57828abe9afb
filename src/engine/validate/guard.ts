import { COLUMN_KINDS, type ColumnKind } from '../../values/column-kind';
import { names, record } from './field-checks';
import { bad, shown } from './malformed';
import { cellColumn, columns } from './value-checks';

const KINDS: ReadonlySet<string> = new Set<ColumnKind>(COLUMN_KINDS);

/**
 * The guard of a data step of `n` rows (null: none): its key columns and the values each row's
 * guarded columns are expected to hold.
 *
 * @example
 * ```ts
 * guard(step.guard, 'plan.steps[0].guard', step.count);
 * ```
 */
export function guard(v: unknown, at: string, n: number): void {
  if (v === null) return;
  record({
    key: names(1),
    keys: () => undefined,
    columns: names(0),
    kinds: () => undefined,
    expected: () => undefined,
  })(v, at);
  const g = v as {
    key: string[];
    keys: unknown;
    columns: string[];
    kinds: unknown;
    expected: unknown;
  };
  columns(g.keys, `${at}.keys`, g.key.length, n);
  if (!Array.isArray(g.kinds)) return bad(`${at}.kinds`, `is ${shown(g.kinds)}, not a list`);
  if (g.kinds.length !== g.columns.length)
    bad(`${at}.kinds`, `lists ${g.kinds.length} kinds for ${g.columns.length} columns`);
  g.kinds.forEach((k: unknown, i) => {
    if (typeof k !== 'string' || !KINDS.has(k))
      bad(`${at}.kinds[${i}]`, `is ${shown(k)}, not a column kind`);
  });
  columns(g.expected, `${at}.expected`, g.columns.length, n, cellColumn);
}
