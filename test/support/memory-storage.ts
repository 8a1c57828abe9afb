import initSqlJs from 'sql.js';
import { EngineCore } from '../../src/engine/engine-core';
import type { EngineParts } from '../../src/engine/engine-parts';
import type { SqlJs } from '../../src/engine/sqlite';
import {
  soleCoordinator,
  type Appended,
  type LogAfter,
  type StagedSnapshot,
  type Storage,
  type StoredState,
} from '../../src/engine/storage';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import type {
  OutboxEntry,
  OutboxState,
  OutboxWrite,
  RedoRecord,
} from '../../src/protocol/engine-api';
import { withExactTextDecoder } from '../../src/values/exact-text-decoder';

/**
 * Storage in a plain object, cloned in and out like IndexedDB clones: lets Node tests reopen an
 * engine from what a previous one persisted. `failNext` makes the next write fail.
 */
export class MemoryStorage implements Storage {
  snapshot: Uint8Array | null = null;
  snapshotSeq = 0;
  pushIds: string[] = [];
  records: RedoRecord[] = [];
  failNext = false;

  async load(): Promise<StoredState> {
    return structuredClone({
      snapshot: this.snapshot,
      snapshotSeq: this.snapshotSeq,
      records: this.records,
      pushIds: this.pushIds,
    });
  }

  async readLog(
    afterSeq: number,
  ): Promise<{ snapshotSeq: number; records: readonly RedoRecord[] }> {
    return structuredClone({
      snapshotSeq: this.snapshotSeq,
      records: this.records.filter((r) => r.seq > afterSeq),
    });
  }

  /** The sync outbox, as IdbStorage keeps it. */
  outbox: OutboxEntry[] = [];
  serverSeq: number | null = null;
  followed: string[] | null = null;

  async append(records: readonly RedoRecord[], outbox?: OutboxWrite): Promise<void> {
    this.#maybeFail();
    for (const record of records) {
      if (this.records.some((r) => r.seq === record.seq) || record.seq <= this.snapshotSeq) {
        throw new PandalchemyError('storage', `seq ${record.seq} is taken`);
      }
    }
    this.records.push(...structuredClone(records));
    if (outbox?.add) this.outbox.push(structuredClone(outbox.add));
    const settled = new Set(outbox?.settle ?? []);
    this.outbox = this.outbox.filter((e) => !settled.has(e.id));
    if (outbox?.serverSeq !== undefined) this.serverSeq = outbox.serverSeq;
    if (outbox?.followed !== undefined) this.followed = [...outbox.followed];
  }

  /** As IndexedDB's one transaction: nothing else runs between the read, `write` and the append. */
  async appendAfter(afterSeq: number, write: (log: LogAfter) => Appended | null): Promise<void> {
    const appended = write(
      structuredClone({
        snapshotSeq: this.snapshotSeq,
        records: this.records.filter((r) => r.seq > afterSeq),
      }),
    );
    if (appended) await this.append(appended.records, appended.outbox);
  }

  async readOutbox(): Promise<OutboxState> {
    return structuredClone({
      entries: this.outbox,
      serverSeq: this.serverSeq,
      followed: this.followed,
    });
  }

  /** Staged snapshots by id, as IndexedDB holds them before they are committed. */
  staged = new Map<number, Uint8Array>();
  #nextStage = 0;

  async stageSnapshot(bytes: Uint8Array): Promise<StagedSnapshot> {
    this.#maybeFail();
    const id = ++this.#nextStage;
    this.staged.set(id, bytes.slice());
    return { id, bytes: bytes.byteLength };
  }

  async commitSnapshot(
    staged: StagedSnapshot,
    seq: number,
    pushIds: readonly string[],
  ): Promise<{ bytesWritten: number; recordsDropped: number } | null> {
    this.#maybeFail();
    const bytes = this.staged.get(staged.id);
    this.staged.delete(staged.id);
    if (!bytes || seq <= this.snapshotSeq) return null;
    return this.writeSnapshot(bytes, seq, pushIds);
  }

  async writeSnapshot(
    bytes: Uint8Array,
    seq: number,
    pushIds: readonly string[],
  ): Promise<{ bytesWritten: number; recordsDropped: number }> {
    this.#maybeFail();
    const before = this.records.length;
    this.snapshot = bytes.slice();
    this.snapshotSeq = seq;
    this.pushIds = [...pushIds];
    this.records = this.records.filter((r) => r.seq > seq);
    return { bytesWritten: bytes.byteLength, recordsDropped: before - this.records.length };
  }

  close(): void {}

  #maybeFail(): void {
    if (!this.failNext) return;
    this.failNext = false;
    throw new PandalchemyError('quota_exceeded', 'Injected: storage is full.');
  }
}

let sql: Promise<SqlJs> | undefined;

/** sql.js in Node, loaded once. */
export function loadSql(): Promise<SqlJs> {
  sql ??= withExactTextDecoder(() => initSqlJs()) as unknown as Promise<SqlJs>;
  return sql;
}

/** An engine over `storage` (persisting) or in memory only. */
export async function memoryEngine(storage?: MemoryStorage, name = 'test'): Promise<EngineCore> {
  const parts: EngineParts = {
    loadSql,
    storage: () => storage!,
    coordinator: () => soleCoordinator,
  };
  const engine = new EngineCore(parts);
  await engine.open({ name, persist: storage !== undefined });
  return engine;
}
