import { PandalchemyError } from '../errors/pandalchemy-error';
import type {
  EngineOpenOptions,
  EngineState,
  RedoRecord,
  RemoteCommit,
} from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import { changesSchema } from './commit/changes-schema';
import { CommitHistory } from './commit/commit-history';
import type { DurableLog } from './durable/durable-log';
import { introspect } from './introspect';
import { SerialQueue } from './serial-queue';
import { configureConnection, type SqlDatabase, type SqlJs } from './sqlite';
import { soleCoordinator, type Coordinator } from './storage';

/**
 * What an engine holds: its sql.js database, the commit it reflects, its schema and history, its
 * durable log and coordinator, and the queue its calls run in. `EngineCore` owns one and hands it
 * to the flows it delegates to (open, push, take-in, catch-up, checkpoint, import), which are the
 * only writers of its fields.
 *
 * @example
 * ```ts
 * const ctx = new EngineContext();
 * await ctx.queue.run(async () => ctx.state()); // { seq: 0, tables: [] } before open
 * ```
 */
export class EngineContext {
  readonly queue = new SerialQueue();
  /** The last commits and push ids, in memory. */
  readonly history = new CommitHistory();
  sql: SqlJs | null = null;
  db: SqlDatabase | null = null;
  options: EngineOpenOptions | null = null;
  /** The durable log, for a persisted database (null in memory). */
  log: DurableLog | null = null;
  coordinator: Coordinator = soleCoordinator;
  seq = 0;
  tables: TableInfo[] = [];
  remote: ((commit: RemoteCommit) => void) | null = null;

  get foreignKeys(): boolean {
    return this.options?.foreignKeys ?? true;
  }

  /** Runs `fn` in the queue, holding the write lock every engine on this database shares. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(() => this.coordinator.withWriteLock(fn));
  }

  state(): EngineState {
    return { seq: this.seq, tables: this.tables };
  }

  requireSql(): SqlJs {
    if (!this.sql)
      throw new PandalchemyError('closed', 'The engine is not open: call open() first.');
    return this.sql;
  }

  requireDb(): SqlDatabase {
    if (!this.db)
      throw new PandalchemyError('closed', 'The engine is not open: call open() first.');
    return this.db;
  }

  requireTable(name: string): TableInfo {
    const info = this.tables.find((t) => t.name === name);
    if (info) return info;
    throw new PandalchemyError(
      'unknown_table',
      `The database has no table ${JSON.stringify(name)}; it has ${this.tables.map((t) => t.name).join(', ') || 'no tables'}.`,
      { table: String(name) },
    );
  }

  /** Takes a committed record in: memory bookkeeping shared by local pushes and catch-up. */
  committed(record: RedoRecord, tables?: TableInfo[]): void {
    this.seq = record.seq;
    if (changesSchema(record)) this.tables = tables ?? introspect(this.requireDb());
    this.history.add(record, this.tables);
  }

  /** The database file as of the last commit. */
  export(): Uint8Array {
    const db = this.requireDb();
    const bytes = db.export();
    // Older sql.js versions reopen the connection on export, which resets its settings.
    configureConnection(db, this.foreignKeys);
    return bytes;
  }

  /** Lets go of the database, its storage and its coordinator. */
  close(): void {
    this.db?.close();
    this.db = null;
    this.log?.storage.close();
    this.coordinator.close();
    this.remote = null;
  }
}
