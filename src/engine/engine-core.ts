import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnValues, ExecutionPlan } from '../plan/execution-plan';
import type {
  ApplyOptions,
  ApplyResult,
  CheckpointResult,
  ColumnarData,
  CommitsSince,
  EngineApi,
  EngineOpenOptions,
  EngineState,
  OutboxState,
  OutboxWrite,
  ProgressCallback,
  RemoteCommit,
  ReplacementRows,
  TableEffect,
  TakenCommit,
} from '../protocol/engine-api';
import type { SqlValue } from '../values/sql-value';
import { commitEffects } from './commit/commit-effects';
import { commitPush } from './commit/commit-push';
import { catchUp } from './durable/catch-up';
import { checkpoint } from './durable/checkpoint';
import { syncStorage } from './durable/sync-storage';
import { EngineContext } from './engine-context';
import type { EngineParts } from './engine-parts';
import { importDatabase } from './import-database';
import { openEngine } from './open-engine';
import { readRows, readTable } from './read-table';
import { replacementEffect } from './replacement-effect';
import { runQuery } from './run-query';
import type { SqlDatabase } from './sqlite';

/**
 * The engine: one sql.js database, its persistence and its coordination with other engines on the
 * same name. Runtime-agnostic (the worker wires IndexedDB, Web Locks and BroadcastChannel in; tests
 * in Node use it in memory). Every call runs alone, in order of arrival. Each method delegates to
 * the flow that does its job (`open-engine`, `commit/`, `durable/`, `import-database`), all of
 * them working on one {@link EngineContext}.
 *
 * @example
 * ```ts
 * const engine = new EngineCore(parts);
 * await engine.open({ name: 'shop', persist: true });
 * await engine.apply(plan, { pushId: 'p1' });
 * ```
 */
export class EngineCore implements EngineApi {
  readonly #parts: EngineParts;
  readonly #ctx = new EngineContext();

  constructor(parts: EngineParts) {
    this.#parts = parts;
  }

  open(options: EngineOpenOptions, onProgress?: ProgressCallback): Promise<EngineState> {
    return this.#ctx.queue.run(() => openEngine(this.#ctx, this.#parts, options, onProgress));
  }

  state(): Promise<EngineState> {
    return this.#read(() => this.#ctx.state());
  }

  readTable(
    table: string,
    onProgress?: ProgressCallback,
    onChunk?: (chunk: ColumnarData) => void,
  ): Promise<ColumnarData> {
    const ctx = this.#ctx;
    return this.#read(() =>
      readTable(ctx.requireDb(), ctx.requireTable(table), ctx.seq, onProgress, onChunk),
    );
  }

  readRows(table: string, keys: readonly ColumnValues[]): Promise<ColumnarData> {
    const ctx = this.#ctx;
    return ctx.queue.run(async () =>
      readRows(ctx.requireDb(), ctx.requireTable(table), ctx.seq, keys),
    );
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<ColumnarData> {
    return this.#read(() => runQuery(this.#ctx.requireDb(), sql, params));
  }

  apply(
    plan: ExecutionPlan,
    options: ApplyOptions,
    onProgress?: ProgressCallback,
  ): Promise<ApplyResult> {
    return this.#ctx.exclusive(() => commitPush(this.#ctx, plan, options, onProgress));
  }

  takeEffects(commits: readonly TakenCommit[], outbox: OutboxWrite): Promise<ApplyResult | null> {
    const taken = commits.map((c) => ({ pushId: c.pushId, effectsOf: () => c.effects }));
    return this.#ctx.exclusive(() => commitEffects(this.#ctx, taken, outbox));
  }

  replaceRows(
    pushId: string,
    tables: readonly ReplacementRows[],
    outbox: OutboxWrite,
  ): Promise<ApplyResult | null> {
    const ctx = this.#ctx;
    const effectsOf = (db: SqlDatabase): readonly TableEffect[] =>
      tables.map((t) => replacementEffect(db, ctx.requireTable(t.table), t));
    return ctx.exclusive(() => commitEffects(ctx, [{ pushId, effectsOf }], outbox));
  }

  outbox(): Promise<OutboxState> {
    return this.#ctx.queue.run(() => syncStorage(this.#ctx).readOutbox());
  }

  hasCommitted(pushId: string): Promise<boolean> {
    return this.#read(() => this.#ctx.history.pushIds.includes(pushId));
  }

  importDatabase(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<EngineState> {
    return this.#ctx.exclusive(() => importDatabase(this.#ctx, bytes, onProgress));
  }

  exportDatabase(): Promise<Uint8Array> {
    return this.#read(() => this.#ctx.export());
  }

  checkpoint(onProgress?: ProgressCallback): Promise<CheckpointResult> {
    return checkpoint(this.#ctx, onProgress);
  }

  commitsSince(seq: number): Promise<CommitsSince> {
    return this.#read(() => this.#ctx.history.since(seq, this.#ctx.seq));
  }

  async onRemoteCommit(callback: (commit: RemoteCommit) => void): Promise<void> {
    this.#ctx.remote = callback;
  }

  close(): Promise<void> {
    return this.#ctx.queue.run(async () => {
      this.#ctx.close();
      this.#ctx.queue.break(
        new PandalchemyError('closed', 'The database is closed: open it again.'),
      );
    });
  }

  /** A read, in the queue, of the database as of the last commit any engine on it made. */
  #read<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.#ctx.queue.run(async () => {
      await catchUp(this.#ctx, false);
      return fn();
    });
  }
}
