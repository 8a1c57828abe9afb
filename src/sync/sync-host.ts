import type { ChangeListener } from '../db/change-emitter';
import type { DatabaseTable } from '../db/database-table';
import type { CreateTableStep } from '../plan/execution-plan';
import type { ApplyResult, EngineApi } from '../protocol/engine-api';

/** What the sync client needs of its database (the database gives it; apps never see it). */
export interface SyncHost {
  readonly name: string;
  readonly engine: Pick<EngineApi, 'takeEffects' | 'replaceRows' | 'outbox'>;
  /**
   * Runs a commit in the worker and takes it in as another writer's (in commit order); false
   * when the worker did not commit (the outbox changed meanwhile).
   */
  commit(run: () => Promise<ApplyResult | null>): Promise<boolean>;
  /** Creates a table locally only (a table the server has and this device does not yet). */
  createLocalTable(step: CreateTableStep): Promise<void>;
  /**
   * Drops a table and creates it as `step` says, locally only, in one commit: the server's table
   * has other columns now. The table's handle reports its pending edits, as after another tab's
   * drop.
   */
  replaceLocalTable(step: CreateTableStep): Promise<void>;
  /** Drops a table locally only (one dropped on the server). */
  dropLocalTable(name: string): Promise<void>;
  hasTable(name: string): boolean;
  /** A local table's columns (name and kind), or null when it has none of that name. */
  columnsOf(name: string): readonly { readonly name: string; readonly kind: string }[] | null;
  table(name: string): Promise<DatabaseTable>;
  onChange(listener: ChangeListener): () => void;
}
