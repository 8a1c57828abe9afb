import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnValues, ExecutionPlan } from '../plan/execution-plan';
import type {
  ApplyOptions,
  ApplyResult,
  CheckpointResult,
  ColumnarData,
  CommitsSince,
  Durability,
  EngineApi,
  EngineOpenOptions,
  EngineState,
  OutboxState,
  OutboxWrite,
  ProgressCallback,
  RedoRecord,
  RemoteCommit,
  ReplacementRows,
  TableEffect,
  TakenCommit,
} from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { applyPlan } from './apply-plan';
import { CommitHistory } from './commit-history';
import { checkpointDue } from './checkpoint-policy';
import { describeValue } from '../values/codec';
import { introspect } from './introspect';
import { openChecked } from './open-checked';
import { readRows, readTable } from './read-table';
import { runQuery } from './run-query';
import { recordSize } from './record-size';
import { replacementEffect } from './replacement-effect';
import { replayRecord } from './replay-record';
import { ReplaySchema } from './replay-schema';
import { configureConnection, type SqlDatabase, type SqlJs } from './sqlite';
import { messageOf } from './sqlite-error';
import { soleCoordinator, type Coordinator, type Storage } from './storage';

/** Where the engine gets its parts: sql.js, and storage and coordination for a database name. */
export interface EngineParts {
  loadSql(): Promise<SqlJs>;
  /** Storage for `name`, committing its writes with `durability`. */
  storage(name: string, durability: Durability): Storage;
  coordinator(name: string): Coordinator;
}

const DEFAULT_CHECKPOINT_BYTES = 8 * 1024 * 1024;

const now = (): number => performance.now();

/**
 * The engine: one sql.js database, its persistence and its coordination with other engines on the
 * same name. Runtime-agnostic (the worker wires IndexedDB, Web Locks and BroadcastChannel in; tests
 * in Node use it in memory). Every call runs alone, in order of arrival.
 */
export class EngineCore implements EngineApi {
  readonly #parts: EngineParts;
  #sql: SqlJs | null = null;
  #db: SqlDatabase | null = null;
  #options: EngineOpenOptions | null = null;
  #storage: Storage | null = null;
  #coordinator: Coordinator = soleCoordinator;
  #seq = 0;
  #tables: TableInfo[] = [];
  /** The last commits and push ids, in memory. */
  readonly #history = new CommitHistory();
  /** [seq, bytes] of each record in the log after the snapshot: see `checkpointDue`. */
  #logSizes: (readonly [number, number])[] = [];
  #snapshotBytes = 0;
  /** A checkpoint is under way (the automatic one starts no other meanwhile). */
  #checkpointing = false;
  #serial: Promise<unknown> = Promise.resolve();
  #remote: ((commit: RemoteCommit) => void) | null = null;
  #broken: PandalchemyError | null = null;

  constructor(parts: EngineParts) {
    this.#parts = parts;
  }

  // ---- EngineApi ------------------------------------------------------------------------------

  open(options: EngineOpenOptions, onProgress?: ProgressCallback): Promise<EngineState> {
    return this.#serially(async () => {
      if (this.#db) throw new PandalchemyError('invalid_argument', 'This engine is open already.');
      if (typeof options?.name !== 'string' || options.name === '') {
        throw new PandalchemyError(
          'invalid_argument',
          'A database needs a name: pass a non-empty string such as "shop".',
        );
      }
      const durability = options.durability ?? 'strict';
      if (durability !== 'strict' && durability !== 'relaxed') {
        throw new PandalchemyError(
          'invalid_argument',
          `durability is ${describeValue(durability)}: pass 'strict' (the default) or 'relaxed'.`,
        );
      }
      this.#options = options;
      this.#sql = await this.#parts.loadSql();
      if (options.persist) {
        this.#storage = this.#parts.storage(options.name, durability);
        this.#coordinator = this.#parts.coordinator(options.name);
        await this.#loadFromStorage(onProgress);
        this.#coordinator.onAnnounce((seq) => {
          if (seq > this.#seq)
            void this.#serially(() => this.#catchUp(true)).catch(() => undefined);
        });
      } else {
        this.#db = new this.#sql.Database();
        configureConnection(this.#db, this.#foreignKeys);
        this.#tables = introspect(this.#db);
      }
      return this.#state();
    });
  }

  state(): Promise<EngineState> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return this.#state();
    });
  }

  readTable(
    table: string,
    onProgress?: ProgressCallback,
    onChunk?: (chunk: ColumnarData) => void,
  ): Promise<ColumnarData> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return readTable(
        this.#requireDb(),
        this.#requireTable(table),
        this.#seq,
        onProgress,
        onChunk,
      );
    });
  }

  readRows(table: string, keys: readonly ColumnValues[]): Promise<ColumnarData> {
    return this.#serially(async () =>
      readRows(this.#requireDb(), this.#requireTable(table), this.#seq, keys),
    );
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<ColumnarData> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return runQuery(this.#requireDb(), sql, params);
    });
  }

  apply(
    plan: ExecutionPlan,
    options: ApplyOptions,
    onProgress?: ProgressCallback,
  ): Promise<ApplyResult> {
    return this.#serially(() =>
      this.#coordinator.withWriteLock(async () => {
        await this.#catchUp(true);
        const db = this.#requireDb();
        const t0 = now();
        const applied = applyPlan(db, plan, {
          conflict: options?.conflict ?? 'fail',
          onProgress,
          changedSince: (table, seq, limit) =>
            this.#history.changedSince(table, seq, limit, this.#seq),
        });
        const applyMs = now() - t0;
        const record: RedoRecord = {
          seq: this.#seq + 1,
          pushId: String(options?.pushId ?? ''),
          ddl: applied.ddl,
          effects: applied.effects,
          sequences: applied.sequences,
          committedAt: Date.now(),
        };
        const t1 = now();
        let bytes = 0;
        if (this.#storage) {
          bytes = recordSize(record);
          onProgress?.({ phase: 'persist', done: 0, total: bytes });
          try {
            const add = options?.outbox;
            await this.#storage.append(
              [record],
              add ? { add: { ...add, id: record.pushId, seq: record.seq } } : undefined,
            );
          } catch (e) {
            // SQLite committed but storage did not: go back to what storage holds.
            await this.#restore();
            throw e instanceof PandalchemyError
              ? e
              : new PandalchemyError('storage', `Saving the push failed: ${messageOf(e)}.`);
          }
          this.#logSizes.push([record.seq, bytes]);
          onProgress?.({ phase: 'persist', done: bytes, total: bytes });
        }
        const persistMs = now() - t1;
        this.#committed(record);
        this.#coordinator.announce(record.seq);
        if (this.#storage && this.#checkpointDue && !this.#checkpointing) {
          // Folded into the snapshot later, so this push's caller does not wait for it.
          void this.#checkpoint().catch(() => undefined);
        }
        return {
          seq: record.seq,
          effects: record.effects,
          rowsWritten: applied.rowsWritten,
          bytesPersisted: bytes,
          applyMs,
          persistMs,
          tables: this.#tables,
        };
      }),
    );
  }

  takeEffects(commits: readonly TakenCommit[], outbox: OutboxWrite): Promise<ApplyResult | null> {
    return this.#commitEffects(
      commits.map((c) => ({ pushId: c.pushId, effectsOf: () => c.effects })),
      outbox,
    );
  }

  replaceRows(
    pushId: string,
    tables: readonly ReplacementRows[],
    outbox: OutboxWrite,
  ): Promise<ApplyResult | null> {
    const effectsOf = (db: SqlDatabase): readonly TableEffect[] =>
      tables.map((t) => replacementEffect(db, this.#requireTable(t.table), t));
    return this.#commitEffects([{ pushId, effectsOf }], outbox);
  }

  outbox(): Promise<OutboxState> {
    return this.#serially(async () => {
      const read = this.#storage?.readOutbox;
      if (!read) throw noOutbox();
      return read.call(this.#storage);
    });
  }

  hasCommitted(pushId: string): Promise<boolean> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return this.#history.pushIds.includes(pushId);
    });
  }

  importDatabase(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<EngineState> {
    return this.#serially(() =>
      this.#coordinator.withWriteLock(async () => {
        const sql = this.#requireSql();
        const candidate = openChecked(sql, bytes);
        onProgress?.({ phase: 'import', done: 0, total: bytes.byteLength });
        try {
          configureConnection(candidate, this.#foreignKeys);
          const seq = this.#seq + 1;
          if (this.#storage) {
            await this.#storage.writeSnapshot(
              bytes.slice(),
              seq,
              [...this.#history.pushIds],
              onProgress,
            );
            this.#logSizes = [];
            this.#snapshotBytes = bytes.byteLength;
          }
          this.#db?.close();
          this.#db = candidate;
          this.#seq = seq;
          this.#tables = introspect(candidate);
          // Readers of earlier commits must reload: there is no row-level account of an import.
          this.#history.restart(seq);
          this.#coordinator.announce(seq);
          onProgress?.({ phase: 'import', done: bytes.byteLength, total: bytes.byteLength });
          return this.#state();
        } catch (e) {
          if (candidate !== this.#db) candidate.close();
          throw e;
        }
      }),
    );
  }

  exportDatabase(): Promise<Uint8Array> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return this.#export();
    });
  }

  checkpoint(onProgress?: ProgressCallback): Promise<CheckpointResult> {
    return this.#checkpoint(onProgress);
  }

  commitsSince(seq: number): Promise<CommitsSince> {
    return this.#serially(async () => {
      await this.#catchUp(false);
      return this.#history.since(seq, this.#seq);
    });
  }

  async onRemoteCommit(callback: (commit: RemoteCommit) => void): Promise<void> {
    this.#remote = callback;
  }

  close(): Promise<void> {
    return this.#serially(async () => {
      this.#db?.close();
      this.#db = null;
      this.#storage?.close();
      this.#coordinator.close();
      this.#remote = null;
      this.#broken = new PandalchemyError('closed', 'The database is closed: open it again.');
    });
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Sync: commits whose effects were decided elsewhere (a sync server), each replayed as its own
   * redo record, all persisted with `outbox`'s changes in one storage transaction. A run of server
   * commits is taken in whole: a local push made between two of them could otherwise see (and be
   * based on) a state in which this device's later pushes are undone.
   */
  #commitEffects(
    commits: readonly { pushId: string; effectsOf: (db: SqlDatabase) => readonly TableEffect[] }[],
    outbox: OutboxWrite,
  ): Promise<ApplyResult | null> {
    return this.#serially(() =>
      this.#coordinator.withWriteLock(async () => {
        await this.#catchUp(true);
        const storage = this.#storage;
        if (!storage?.readOutbox) throw noOutbox();
        if (!commits.length) return null;
        if (outbox.expect) {
          const held = (await storage.readOutbox()).entries.map((e) => e.id);
          const expected = new Set(outbox.expect);
          if (held.length !== expected.size || !held.every((id) => expected.has(id))) return null;
        }
        const db = this.#requireDb();
        const t0 = now();
        const records: RedoRecord[] = [];
        // One read of the schema for the whole run (a catch-up can be thousands of records).
        const schema = new ReplaySchema(db);
        try {
          for (const commit of commits) {
            const record: RedoRecord = {
              seq: this.#seq + records.length + 1,
              pushId: String(commit.pushId),
              ddl: [],
              effects: commit.effectsOf(db),
              sequences: null,
              committedAt: Date.now(),
            };
            replayRecord(db, record, this.#foreignKeys, schema);
            records.push(record);
          }
        } catch (e) {
          // Records replayed before the one that failed are in SQLite only: go back to storage.
          if (records.length) await this.#restore();
          throw e;
        }
        const applyMs = now() - t0;
        const t1 = now();
        const sizes = records.map(recordSize);
        try {
          await storage.append(records, outbox);
        } catch (e) {
          await this.#restore();
          throw e instanceof PandalchemyError
            ? e
            : new PandalchemyError('storage', `Saving a server commit failed: ${messageOf(e)}.`);
        }
        records.forEach((record, i) => {
          this.#logSizes.push([record.seq, sizes[i]!]);
          this.#committed(record);
        });
        const last = records[records.length - 1]!;
        this.#coordinator.announce(last.seq);
        // A catch-up can add thousands of records at once: a later open must not replay them all.
        if (this.#checkpointDue && !this.#checkpointing) {
          void this.#checkpoint().catch(() => undefined);
        }
        const effects = records.flatMap((r) => r.effects);
        return {
          seq: last.seq,
          effects,
          rowsWritten: effects.reduce((n, e) => n + (e.upserts.values[0]?.length ?? 0), 0),
          bytesPersisted: sizes.reduce((n, b) => n + b, 0),
          applyMs,
          persistMs: now() - t1,
          tables: this.#tables,
        };
      }),
    );
  }

  get #foreignKeys(): boolean {
    return this.#options?.foreignKeys ?? true;
  }

  /** Whether the log has grown past the checkpoint policy (bytes, or replay time on reopen). */
  get #checkpointDue(): boolean {
    return checkpointDue(
      {
        bytes: this.#logSizes.reduce((n, [, b]) => n + b, 0),
        records: this.#logSizes.length,
      },
      this.#snapshotBytes,
      this.#options?.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES,
    );
  }

  #state(): EngineState {
    return { seq: this.#seq, tables: this.#tables };
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(() => {
      if (this.#broken) throw this.#broken;
      return fn();
    });
    this.#serial = run.catch(() => undefined);
    return run;
  }

  #requireSql(): SqlJs {
    if (!this.#sql)
      throw new PandalchemyError('closed', 'The engine is not open: call open() first.');
    return this.#sql;
  }

  #requireDb(): SqlDatabase {
    if (!this.#db)
      throw new PandalchemyError('closed', 'The engine is not open: call open() first.');
    return this.#db;
  }

  #requireTable(name: string): TableInfo {
    const info = this.#tables.find((t) => t.name === name);
    if (info) return info;
    throw new PandalchemyError(
      'unknown_table',
      `The database has no table ${JSON.stringify(name)}; it has ${this.#tables.map((t) => t.name).join(', ') || 'no tables'}.`,
      { table: String(name) },
    );
  }

  /** Takes a committed record in: memory bookkeeping shared by local pushes and catch-up. */
  #committed(record: RedoRecord): void {
    this.#seq = record.seq;
    if (record.ddl.length || record.effects.some((e) => e.reload)) {
      this.#tables = introspect(this.#requireDb());
    }
    this.#history.add(record, this.#tables);
  }

  /** Replays what other engines committed since this one last looked. */
  async #catchUp(notify: boolean): Promise<void> {
    if (!this.#storage || !this.#db) return;
    const before = this.#seq;
    const { snapshotSeq, records } = await this.#storage.readLog(this.#seq);
    if (snapshotSeq > this.#seq && records[0]?.seq !== this.#seq + 1) {
      // The records this engine lacks were folded into a snapshot (or replaced by an import).
      await this.#loadFromStorage();
      this.#history.restart(this.#seq);
    } else {
      const schema = new ReplaySchema(this.#db);
      for (const record of records) {
        if (record.seq !== this.#seq + 1) break;
        replayRecord(this.#db, record, this.#foreignKeys, schema);
        this.#logSizes.push([record.seq, recordSize(record)]);
        this.#committed(record);
      }
    }
    if (notify && this.#seq > before && this.#remote) {
      const last = this.#history.last ?? {
        seq: this.#seq,
        effects: [],
        tables: this.#tables,
      };
      this.#remote(last);
    }
  }

  /** Opens the database as storage holds it: snapshot, then every record after it. */
  async #loadFromStorage(onProgress?: ProgressCallback): Promise<void> {
    const sql = this.#requireSql();
    const stored = await this.#storage!.load(onProgress);
    const db = stored.snapshot ? new sql.Database(stored.snapshot) : new sql.Database();
    try {
      configureConnection(db, this.#foreignKeys);
      const total = stored.records.length;
      const schema = new ReplaySchema(db);
      stored.records.forEach((record, i) => {
        replayRecord(db, record, this.#foreignKeys, schema);
        onProgress?.({ phase: 'replay', done: i + 1, total });
      });
    } catch (e) {
      db.close();
      throw new PandalchemyError(
        'corrupt',
        `The stored database '${this.#options?.name}' could not be replayed: ${messageOf(e)}. Its storage is damaged or this is a bug: report it; deleteDatabase() discards the stored copy.`,
        { sqliteMessage: messageOf(e) },
      );
    }
    this.#db?.close();
    this.#db = db;
    this.#seq = stored.records.length
      ? stored.records[stored.records.length - 1]!.seq
      : stored.snapshotSeq;
    this.#history.restart(this.#seq, [...stored.pushIds, ...stored.records.map((r) => r.pushId)]);
    this.#logSizes = stored.records.map((r) => [r.seq, recordSize(r)] as const);
    this.#snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.#tables = introspect(db);
  }

  /** After storage refused a commit: memory goes back to exactly what storage holds. */
  async #restore(): Promise<void> {
    const kept = this.#history.save();
    try {
      await this.#loadFromStorage();
      this.#history.restore(kept);
    } catch (e) {
      this.#broken = new PandalchemyError(
        'storage',
        `Storage failed and the database could not be read back from it (${messageOf(e)}): reopen it.`,
      );
    }
  }

  #export(): Uint8Array {
    const db = this.#requireDb();
    const bytes = db.export();
    // Older sql.js versions reopen the connection on export, which resets its settings.
    configureConnection(db, this.#foreignKeys);
    return bytes;
  }

  /**
   * Folds the log into a fresh snapshot without holding up pushes while the file is written: the
   * database is exported in the engine's queue, under the write lock (a consistent file as of one
   * commit); the bytes are then staged in storage outside both, while later pushes commit and
   * append; a last short step in the queue makes the staged file the snapshot and drops the
   * records it covers. A crash before that step leaves the old snapshot and the whole log.
   */
  async #checkpoint(onProgress?: ProgressCallback): Promise<CheckpointResult> {
    const t0 = now();
    this.#checkpointing = true;
    try {
      const taken = await this.#serially(() =>
        this.#coordinator.withWriteLock(async () => {
          await this.#catchUp(true);
          if (!this.#storage) return null;
          onProgress?.({ phase: 'checkpoint', done: 0, total: null });
          return { bytes: this.#export(), seq: this.#seq, pushIds: [...this.#history.pushIds] };
        }),
      );
      const storage = this.#storage;
      if (!taken || !storage) return { seq: this.#seq, bytesWritten: 0, recordsDropped: 0, ms: 0 };
      const staged = await storage.stageSnapshot(taken.bytes, onProgress);
      return await this.#serially(() =>
        this.#coordinator.withWriteLock(async () => {
          const done = await storage.commitSnapshot(staged, taken.seq, taken.pushIds);
          if (done) {
            this.#logSizes = this.#logSizes.filter(([seq]) => seq > taken.seq);
            this.#snapshotBytes = staged.bytes;
          }
          return {
            seq: taken.seq,
            bytesWritten: done?.bytesWritten ?? 0,
            recordsDropped: done?.recordsDropped ?? 0,
            ms: now() - t0,
          };
        }),
      );
    } finally {
      this.#checkpointing = false;
    }
  }
}

function noOutbox(): PandalchemyError {
  return new PandalchemyError(
    'invalid_argument',
    'Sync needs a persisted database: open it without `persist: false`.',
  );
}
