import { ConflictError } from '../errors/pandalchemy-error';
import type { RebaseConflict } from './rebase';
import type { TrackedTable } from './tracked-table';
import { schemaChangeColumn, type TableChanges } from './row-changes';

/**
 * The pending edits of a table another writer dropped, as the conflicts `refresh()` reports: each
 * row edit, and each schema edit, that can no longer be made (nothing was kept). A table dropped
 * under pending edits otherwise lost them without a word.
 */
export function droppedEdits(table: TrackedTable): RebaseConflict[] {
  return table.hasChanges ? changesDropped(table.changes()) : [];
}

/** {@link droppedEdits} of pending changes as `changes()` gives them (or a draft holds them). */
export function changesDropped(changes: TableChanges): RebaseConflict[] {
  const out: RebaseConflict[] = [];
  for (const s of changes.schema) {
    out.push({
      table: changes.table,
      type: 'schema',
      key: [],
      columns: [schemaChangeColumn(s)],
      local: null,
      remote: null,
      kept: false,
    });
  }
  for (const c of [...changes.deletes, ...changes.updates, ...changes.inserts]) {
    out.push({
      table: changes.table,
      type: c.type,
      key: c.key,
      columns: c.columns,
      local: c.newValues,
      remote: null,
      kept: false,
    });
  }
  return out;
}

/**
 * The error a push of a dropped table's pending edits fails with, before anything is sent: each
 * edited row is gone. The edits are kept until `refresh()` reports them.
 */
export function droppedTableError(table: TrackedTable): ConflictError {
  const changes = table.changes();
  const rows = [...changes.deletes, ...changes.updates, ...changes.inserts].map((c) => ({
    table: table.name,
    key: c.key,
    columns: c.columns,
    missing: true,
  }));
  return new ConflictError(
    rows,
    `Table ${JSON.stringify(table.name)} was dropped since your edits were based on it (by another writer or by dropTable()). Nothing was written and your edits are kept: refresh() reports the edits it cannot make again and drops them, and shows the table as it is now.`,
  );
}
