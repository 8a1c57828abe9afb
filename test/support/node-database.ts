import { Database } from '../../src/db/database';
import type { Engine } from '../../src/db/database-state';
import { EngineCore } from '../../src/engine/engine-core';
import { soleCoordinator } from '../../src/engine/storage';
import { MemoryStorage, loadSql } from './memory-storage';

/**
 * A real `Database` in Node: the engine core on real sql.js, persisting to in-memory storage so
 * that a "reopen" (a new engine on the same storage) reads back exactly what was stored.
 */
export async function nodeDatabase(storage: MemoryStorage, name = 'model'): Promise<Database> {
  const core = new EngineCore({
    loadSql,
    storage: () => storage,
    coordinator: () => soleCoordinator,
  });
  const engine = core as unknown as Engine;
  engine.terminate = () => undefined;
  const state = await core.open({ name, persist: true });
  const db = new Database(name, engine, state);
  await db.listen();
  return db;
}

export { MemoryStorage };
