import { isRowidKeyed } from './sqlite-rowid';
import type { ColumnValues, DataStep, InsertStep } from '../../plan/execution-plan';
import type { TableInfo } from '../../schema/table-info';

/**
 * The data steps in the order the SQLite engine runs them (and its preview shows them): each insert step of a table keyed by its rowid split
 * (see {@link givenKeysFirst}), and the rows that leave their key to SQLite after every row that
 * gives one (a plan lists rows without a key in a step of their own, before those with).
 *
 * @example
 * ```ts
 * for (const step of insertsInKeyOrder(steps, (s) => infoOf(s.table))) runDataStep(...);
 * ```
 */
export function insertsInKeyOrder(
  steps: readonly DataStep[],
  info: (step: DataStep) => TableInfo,
): DataStep[] {
  const out: DataStep[] = [];
  const later: InsertStep[] = [];
  for (const step of steps) {
    if (step.kind !== 'insert') {
      out.push(step);
      continue;
    }
    const t = info(step);
    const [first, second] = givenKeysFirst(step, t);
    if (second) {
      out.push(first!);
      later.push(second);
    } else if (isRowidKeyed(t) && !step.columns.includes(t.key.columns[0]!)) {
      later.push(step);
    } else {
      out.push(step);
    }
  }
  return [...out, ...later];
}

/**
 * An insert step of a table keyed by its rowid as the steps to run in turn: the rows that give
 * their key, then those that leave it to SQLite. SQLite gives a row without a key the largest
 * rowid plus one, which a later row of the step may give as its own: run in the step's order,
 * `[{ v: 'x' }, { id: 3 }]` over ids 1 and 2 failed as a duplicate of 3. The rows' order among
 * those that give a key, and among the others, stays.
 *
 * @example
 * ```ts
 * const [given, left] = givenKeysFirst(step, info);
 * ```
 */
export function givenKeysFirst(step: InsertStep, info: TableInfo): InsertStep[] {
  if (!isRowidKeyed(info)) return [step];
  const at = step.columns.indexOf(info.key.columns[0]!);
  const keys = at >= 0 ? step.values[at]! : null;
  if (!keys || keys instanceof Float64Array) return [step];
  const given: number[] = [];
  const left: number[] = [];
  for (let i = 0; i < step.count; i++) {
    const k = keys[i];
    if (k === null || k === undefined) left.push(i);
    else given.push(i);
  }
  // Nothing to do unless a row giving its key comes after one that does not.
  const last = given.at(-1);
  if (!left.length || last === undefined || last < left[0]!) return [step];
  return [rowsOf(step, given), rowsOf(step, left)];
}

function rowsOf(step: InsertStep, rows: readonly number[]): InsertStep {
  const pick = (c: ColumnValues): ColumnValues =>
    c instanceof Float64Array
      ? Float64Array.from(rows, (i) => c[i]!)
      : rows.map((i) => c[i] ?? null);
  return { ...step, values: step.values.map(pick), count: rows.length };
}
