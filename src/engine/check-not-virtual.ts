import { PandalchemyError } from '../errors/pandalchemy-error';
import type { DataStep } from '../plan/execution-plan';
import { isVirtualTable } from '../schema/is-virtual-table';
import type { TableInfo } from '../schema/table-info';

/**
 * Refuses a data step that writes a virtual table, before anything runs. Its module fires no
 * update hook and takes no RETURNING, so the rows it wrote could not be told to readers exactly
 * (an inserted row came back under a made-up rowid); an FTS table is meant to be written by the
 * triggers of the table it indexes, which the library writes.
 */
export function checkNotVirtual(index: number, step: DataStep, info: TableInfo): void {
  if (!isVirtualTable(info)) return;
  throw new PandalchemyError(
    'unsupported',
    `Table ${JSON.stringify(info.name)} is a virtual table: the library reads it but does not write it, and the push changed nothing. Write the table it is built from instead: an FTS index is kept up to date by that table's triggers.`,
    { table: info.name, step: step.kind, field: `steps[${index}]` },
  );
}
