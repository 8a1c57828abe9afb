import type { ProgressCallback } from '../protocol/engine-api';
import type { DatabaseState } from './database-state';
import { reloadTable } from './take-commits';

/**
 * `import()`: replaces the database with an SQLite file in the engine, then reads every loaded
 * table again (pending edits rebased) and drops the ones the file does not have. A file that is
 * not a valid SQLite database is refused by the engine and nothing changes.
 *
 * @example
 * ```ts
 * await importDatabase(state, bytes, {});
 * ```
 */
export async function importDatabase(
  state: DatabaseState,
  bytes: Uint8Array,
  options: { onProgress?: ProgressCallback },
): Promise<void> {
  await state.serially(async () => {
    const engineState = await state.engine.importDatabase(bytes, options.onProgress);
    state.setInfo(engineState.tables);
    state.seq = engineState.seq;
    for (const [name, l] of state.loaded) {
      if (!state.info.has(name)) {
        state.loaded.delete(name);
        continue;
      }
      l.queued = [];
      await reloadTable(state, l);
      l.seq = engineState.seq;
    }
    state.emitter.emit({
      source: 'import',
      seq: engineState.seq,
      tables: state.tableNames(),
      stale: [],
    });
  });
}
