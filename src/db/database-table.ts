import type { ColumnarData } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { RebaseConflict, RebasePolicy } from '../table/rebase';
import { TrackedTable } from '../table/tracked-table';
import type { PushOptions, PushResult } from './push-result';

/** What a table needs of the database it belongs to. */
export interface TableHost {
  pushTables(tables: readonly DatabaseTable[], options?: PushOptions): Promise<PushResult>;
  refreshTable(table: DatabaseTable, options?: RefreshOptions): Promise<readonly RebaseConflict[]>;
  isStale(table: DatabaseTable): boolean;
}

/** Options of `refresh()`. */
export interface RefreshOptions {
  /** How contested edits are settled: dropped (`keepRemote`, default) or kept (`keepLocal`). */
  readonly policy?: RebasePolicy;
}

/**
 * A tracked table that belongs to a database: edit it, read it with Arquero, and `push()` exactly
 * what changed.
 *
 * @example
 * ```ts
 * const users = await db.table('users');
 * users.set(1, 'email', 'ada@example.org');
 * await users.push();
 * ```
 */
export class DatabaseTable extends TrackedTable {
  readonly #host: TableHost;

  /** @internal Use `db.table(name)`. */
  constructor(host: TableHost, info: TableInfo, data: ColumnarData) {
    super(info, data);
    this.#host = host;
  }

  /**
   * Pushes this table's pending changes in one transaction. When it resolves they are durable and
   * the table holds what the database decided (assigned keys, defaults, trigger effects). When it
   * rejects nothing was written and every pending edit is kept: fix and push again.
   */
  push(options?: PushOptions): Promise<PushResult> {
    return this.#host.pushTables([this], options);
  }

  /**
   * Takes in what other writers committed since this table was loaded, keeping pending edits of
   * rows and columns nobody else changed. Returns the contested edits.
   */
  refresh(options?: RefreshOptions): Promise<readonly RebaseConflict[]> {
    return this.#host.refreshTable(this, options);
  }

  /** Whether other writers committed changes this table has not taken in yet. */
  get stale(): boolean {
    return this.#host.isStale(this);
  }
}
