import type { Durability } from '../protocol/engine-api';
import type { SqlJs } from './sqlite';
import type { Coordinator, Storage } from './storage';

/**
 * Where the engine gets its parts: sql.js, and storage and coordination for a database name. The
 * worker wires IndexedDB, Web Locks and BroadcastChannel in; tests in Node pass memory.
 *
 * @example
 * ```ts
 * const engine = new EngineCore({ loadSql, storage: () => memory, coordinator: () => soleCoordinator });
 * ```
 */
export interface EngineParts {
  loadSql(): Promise<SqlJs>;
  /** Storage for `name`, committing its writes with `durability`. */
  storage(name: string, durability: Durability): Storage;
  coordinator(name: string): Coordinator;
}
