import { ConflictError } from '../errors/pandalchemy-error';
import type { RebaseConflict } from '../table/rebase';
import type { TrackedTable } from '../table/tracked-table';
import { schemaChangeColumn } from '../table/row-changes';

/**
 * The pending edits of a table another writer dropped, as the conflicts `refresh()` reports: each
 * row edit, and each schema edit, that can no longer be made (nothing was kept). A table dropped
 * under pending edits otherwise lost them without a word.
 */
export function droppedEdits(table: TrackedTable): RebaseConflict[] {
  if (!table.hasChanges) return [];
  const changes = table.changes();
  const out: RebaseConflict[] = [];
  for (const s of changes.schema) {
    out.push({
      table: table.name,
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
      table: table.name,
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
