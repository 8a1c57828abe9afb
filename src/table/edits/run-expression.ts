import { PandalchemyError } from '../../errors/pandalchemy-error';
import { describeValue } from '../../values/codec';
import type { TableState } from '../table-state';

const COLUMN_REFERENCE = /Invalid column reference: "(?:[A-Za-z_$][\w$]*\.)?(.*)"/;

/**
 * Runs Arquero on an expression or predicate the caller gave, turning what Arquero throws (an
 * expression that does not parse, a column the table does not have) into typed errors.
 *
 * @example
 * ```ts
 * const view = runExpression(state, 'The condition', () => table.filter(predicate));
 * ```
 */
export function runExpression<T>(state: TableState, what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof PandalchemyError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const column = COLUMN_REFERENCE.exec(message)?.[1];
    if (column !== undefined) {
      throw new PandalchemyError(
        'unknown_column',
        `${what} reads column '${column}', which table '${state.name}' does not have; its columns are ${state.columns.map((c) => c.name).join(', ')}.`,
        { table: state.name, column },
        e,
      );
    }
    throw new PandalchemyError(
      'invalid_argument',
      `${what} cannot run: ${message}. Write it as an Arquero expression, such as d => d.age > 30.`,
      { table: state.name },
      e,
    );
  }
}

/**
 * Checks that a row condition is an expression: a function, its text, or an escaped function
 * (`aq.escape`). Anything else (a number, a boolean) would be taken as a constant by Arquero and
 * select every row or none.
 */
export function checkPredicate(state: TableState, predicate: unknown): void {
  if (
    typeof predicate === 'function' ||
    typeof predicate === 'string' ||
    (typeof predicate === 'object' && predicate !== null)
  )
    return;
  throw new PandalchemyError(
    'invalid_argument',
    `A row condition is a function or its text; got ${describeValue(predicate)}. Pass one such as d => d.age > 30.`,
    { table: state.name },
  );
}
