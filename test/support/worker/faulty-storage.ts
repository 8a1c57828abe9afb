import type {
  Appended,
  LogAfter,
  StagedSnapshot,
  Storage,
  StoredState,
} from '../../../src/engine/storage';
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

  readLog(afterSeq: number): Promise<LogAfter> {
    return this.#inner.readLog(afterSeq);
  }

  async append(records: readonly RedoRecord[]): Promise<void> {
    await this.#at('append');
    await this.#inner.append(records);
    await this.#at('afterAppend');
  }

  /**
   * The append's faults land where they do in {@link FaultyStorage.append}: `append` once the
   * push is applied (SQLite committed) and before storage holds its record, which is then not
   * stored; `afterAppend` once it is stored.
   */
  async appendAfter(
    afterSeq: number,
    write: (log: LogAfter) => Appended | null,
    withOutbox: boolean,
  ): Promise<void> {
    let fault: StorageFault | null = null;
    try {
      await this.#inner.appendAfter(
        afterSeq,
        (log) => {
          const appended = write(log);
          fault = appended?.records.length ? this.#take('append') : null;
          // Thrown within the transaction: it is aborted, nothing of it stored.
          if (fault) throw new Error('injected');
          return appended;
        },
        withOutbox,
      );
    } catch (e) {
      if (!fault) throw e;
      await this.#fire(fault, 'append');
    }
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
    const fault = this.#take(point);
    if (fault) await this.#fire(fault, point);
  }

  #take(point: StorageFault['point']): StorageFault | null {
    return this.#faults.take((f): f is StorageFault => 'action' in f && f.point === point);
  }

  async #fire(fault: StorageFault, point: StorageFault['point']): Promise<never> {
    if (fault.action === 'hang') return never();
    throw new PandalchemyError(fault.code, `Injected ${fault.code} failure at '${point}'.`);
  }
}
