import type { Confirmation } from './playground-types';
import type { Referencing } from './referencing-rows';

/**
 * The question asked before deleting rows that rows of other tables still reference (`blocking`,
 * not empty): a push would refuse the delete. `remove` deletes anyway; `show` shows the first
 * table's referencing rows.
 */
export function deleteConfirmation(
  table: string,
  count: number,
  blocking: readonly Referencing[],
  remove: () => void,
  show: (f: Referencing) => void,
): Confirmation {
  const first = blocking[0]!;
  const rows = count === 1 ? 'this row' : `these ${count.toLocaleString('en')} rows`;
  return {
    title: `${blocking.map((f) => `${f.count.toLocaleString('en')} row(s) of ${f.table}`).join(' and ')} reference ${rows} of ${table}`,
    detail:
      `A push refuses to delete rows that others still reference (${blocking.map((f) => `${f.table}.${f.column}`).join(', ')}): ` +
      'delete or change those rows first. You can delete now and fix them before pushing.',
    confirm: 'Delete anyway',
    run: remove,
    other: { label: `Show the ${first.table} rows`, run: () => show(first) },
  };
}
