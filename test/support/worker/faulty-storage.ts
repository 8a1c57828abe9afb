import type { StagedSnapshot, Storage, StoredState } from '../../../src/engine/storage';
import { PandalchemyError } from '../../../src/errors/pandalchemy-error';
import type { ProgressCallback, RedoRecord } from '../../../src/protocol/engine-api';
import type { Fault } from './fault-api';
import type { FaultState } from './fault-state';

type StorageFault = Extract<Fault, { action: string }>;

const never = (): Promise<never> => new Promise<never>(() => undefined);

/** Real storage with faults in front of and behind its two writes. */
export class FaultyStorage implements Storage {
  readonly #inner: Storage;
  readonly #faults: FaultState;

  constructor(inner: Storage, faults: FaultState) {
    this.#inner = inner;
    this.#faults = faults;
  }

  load(onProgress?: ProgressCallback): Promise<StoredState> {
    return this.#inner.load(onProgress);
  }

  readLog(afterSeq: number): Promise<{ snapshotSeq: number; records: readonly RedoRecord[] }> {
    return this.#inner.readLog(afterSeq);
  }

  async append(records: readonly RedoRecord[]): Promise<void> {
    await this.#at('append');
    await this.#inner.append(records);
    await this.#at('afterAppend');
  }

  async stageSnapshot(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<StagedSnapshot> {
    const staged = await this.#inner.stageSnapshot(bytes, onProgress);
    // A checkpoint's fault lands once its file is written, before it becomes the snapshot:
    // mid-checkpoint, while later pushes go on.
    await this.#at('checkpoint');
    return staged;
  }

  async commitSnapshot(
    staged: StagedSnapshot,
    seq: number,
    pushIds: readonly string[],
  ): Promise<{ bytesWritten: number; recordsDropped: number } | null> {
    const written = await this.#inner.commitSnapshot(staged, seq, pushIds);
    await this.#at('afterCheckpoint');
    return written;
  }

  async writeSnapshot(
    bytes: Uint8Array,
    seq: number,
    pushIds: readonly string[],
    onProgress?: ProgressCallback,
  ): Promise<{ bytesWritten: number; recordsDropped: number }> {
    await this.#at('checkpoint');
    const written = await this.#inner.writeSnapshot(bytes, seq, pushIds, onProgress);
    await this.#at('afterCheckpoint');
    return written;
  }

  close(): void {
    this.#inner.close();
  }

  async #at(point: StorageFault['point']): Promise<void> {
    const fault = this.#faults.take((f): f is StorageFault => 'action' in f && f.point === point);
    if (!fault) return;
    if (fault.action === 'hang') return never();
    throw new PandalchemyError(fault.code, `Injected ${fault.code} failure at '${point}'.`);
  }
}
