import type { ExecutionPlan } from '../../src/plan/execution-plan';

/** IndexedDB durability of a baseline's writes, as the library's own writes use it. */
export type Durability = 'strict' | 'relaxed';

/**
 * What the bench worker (`bench-worker.ts`) offers besides the engine's own API: the baselines,
 * run in the same worker as the library's engine, with the same sql.js and the same connection
 * settings. Types only: the worker and the cases both import them.
 */
export interface LoopApi {
  /** Opens `bytes` as the loop's own database, with the engine's connection settings. Untimed. */
  loopOpen(bytes: Uint8Array): Promise<void>;
  /** The plan's writes by hand (see `applyByHand`); resolves to the ms the worker spent. */
  loopApply(plan: ExecutionPlan, guarded: boolean): Promise<number>;
  /**
   * The plan's writes by hand, then one IndexedDB put of a record of them (the plan's columns)
   * on a connection opened by `logOpen`, committed with `durability`. Resolves when it is stored.
   */
  loopAndPut(plan: ExecutionPlan, durability: Durability): Promise<void>;
  /** Opens (creating) IndexedDB database `name` with one object store, and keeps it open. */
  logOpen(name: string): Promise<void>;
  /**
   * The whole-file persistence a library without a log would do: `export()` of the loop's
   * database and one put of the bytes on the open connection. Resolves to the ms it took.
   */
  exportAndPut(durability: Durability): Promise<number>;
  /** Closes the loop's database and IndexedDB connection; deletes the IndexedDB database. */
  loopClose(): Promise<void>;
}
