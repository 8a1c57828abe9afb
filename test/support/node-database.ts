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

/**
 * A `nodeDatabase` holding what `sql` makes (statements split at each `;`), run in a fresh SQLite file, which the
 * database imports (for tables the library's own API would not create, such as odd stored values).
 */
export async function nodeDatabaseFrom(sql: string, name = 'imported'): Promise<Database> {
  const db = await nodeDatabase(new MemoryStorage(), name);
  const SQL = await loadSql();
  const file = new SQL.Database();
  try {
    for (const statement of sql.split(';').filter((s) => s.trim())) file.run(statement);
    await db.import(file.export());
  } finally {
    file.close();
  }
  return db;
}

export { MemoryStorage };
