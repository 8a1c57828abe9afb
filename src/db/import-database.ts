import type { ProgressCallback } from '../protocol/engine-api';
import type { DatabaseState } from './database-state';
import type { RebaseConflict } from '../table/rebase';
import type { RefreshOptions } from './database-table';
import { reloadTable, takeDrop, wasDropped } from './take-commits';

/**
 * `import()`: replaces the database with an SQLite file in the engine, then reads every loaded
 * table again, its pending edits rebased as `refresh()` rebases them (`policy`). Returns the
 * contested edits, and every edit of a table the file does not have: that table's handle shows it
 * empty and `stale` until a commit creates it again (see `takeDrop`). A file that is not a valid
 * SQLite database is refused by the engine and nothing changes.
 *
 * @example
 * ```ts
 * const conflicts = await importDatabase(state, bytes, {});
 * ```
 */
export async function importDatabase(
  state: DatabaseState,
  bytes: Uint8Array,
  options: { onProgress?: ProgressCallback } & RefreshOptions,
): Promise<RebaseConflict[]> {
  // After the pushes in flight settle: their tables are locked until then, and the file replaces
  // the database before its tables are read again (a locked one refused it as busy, the file in).
  return state.afterPushes(() => state.serially(() => importNow(state, bytes, options)));
}

async function importNow(
  state: DatabaseState,
  bytes: Uint8Array,
  options: { onProgress?: ProgressCallback } & RefreshOptions,
): Promise<RebaseConflict[]> {
  const engineState = await state.engine.importDatabase(bytes, options.onProgress);
  state.setInfo(engineState.tables);
  state.seq = engineState.seq;
  const conflicts: RebaseConflict[] = [];
  for (const [name, l] of state.loaded) {
    l.seq = engineState.seq;
    if (!state.info.has(name) || wasDropped(l)) {
      // The file has no such table, or the one it has is not the one the edits were made on.
      l.queued = [{ kind: 'dropped' }];
      l.basis = engineState.seq;
      conflicts.push(...(await takeDrop(state, l)));
      continue;
    }
    l.queued = [];
    conflicts.push(...(await reloadTable(state, l, options)));
  }
  state.emitter.emit({
    source: 'import',
    seq: engineState.seq,
    tables: state.tableNames(),
    stale: [...state.loaded.values()].filter((l) => l.queued.length).map((l) => l.table.name),
  });
  return conflicts;
}
