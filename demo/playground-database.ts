import type { ColumnTable } from 'arquero';
import * as library from '../src/index';
import type { ExecutionPlan, SqlValue, TrackedTable } from '../src/index';
import type { ChangeListener } from '../src/db/change-emitter';
import type { CreateTableOptions, TableSource } from '../src/db/create-table-steps';
import type { PushOptions, PushResult } from '../src/db/push-result';
import type { ProgressCallback } from '../src/protocol/engine-api';
import type { RebaseConflict } from '../src/table/rebase';
import { MemoryDatabase } from './memory-database';

/** What the playground calls of a database: the part of `Database` it uses. */
export interface PlaygroundDatabase {
  readonly name: string;
  tableNames(): string[];
  table(name: string, options?: { onProgress?: ProgressCallback }): Promise<TrackedTable>;
  createTable(
    name: string,
    source: TableSource,
    options?: CreateTableOptions,
  ): Promise<TrackedTable>;
  dropTable(name: string): Promise<void>;
  query(sql: string, params?: readonly SqlValue[]): Promise<ColumnTable>;
  push(options?: PushOptions): Promise<PushResult>;
  plan(): ExecutionPlan;
  refresh(): Promise<readonly RebaseConflict[]>;
  import(bytes: Uint8Array, options?: { onProgress?: ProgressCallback }): Promise<void>;
  export(): Promise<Uint8Array>;
  on(event: 'change', listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/**
 * Opens the playground's database with the library's `openDatabase`. While the worker engine is
 * being merged, a build of the library may not export it yet: the playground then runs on an
 * in-memory stand-in (and says so), so that everything but persistence can be tried.
 */
export async function openPlaygroundDatabase(name: string): Promise<PlaygroundDatabase> {
  const open: unknown = (library as Record<string, unknown>)['openDatabase'];
  if (typeof open === 'function') {
    return (open as (name: string) => Promise<PlaygroundDatabase>)(name);
  }
  return new MemoryDatabase(name);
}

/** Whether `db` is the in-memory stand-in (nothing persists; no SQLite files in or out). */
export function isStandIn(db: PlaygroundDatabase): boolean {
  return db instanceof MemoryDatabase;
}
