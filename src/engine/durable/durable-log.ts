import type { RedoRecord } from '../../protocol/engine-api';
import { checkpointDue } from './checkpoint-policy';
import { recordSize } from './record-size';
import type { Storage } from '../storage';

const DEFAULT_CHECKPOINT_BYTES = 8 * 1024 * 1024;

/**
 * A persisted database's storage, with the account of its log that the checkpoint policy needs:
 * the size of each record after the snapshot, and the snapshot's size.
 *
 * @example
 * ```ts
 * const log = new DurableLog(storage, undefined);
 * log.restart(stored.records, stored.snapshot?.byteLength ?? 0);
 * if (log.due) void checkpoint(ctx);
 * ```
 */
export class DurableLog {
  readonly storage: Storage;
  readonly #checkpointBytes: number;
  /** [seq, bytes] of each record in the log after the snapshot: see `checkpointDue`. */
  #sizes: (readonly [number, number])[] = [];
  #snapshotBytes = 0;
  /** A checkpoint is under way (the automatic one starts no other meanwhile). */
  checkpointing = false;

  constructor(storage: Storage, checkpointBytes: number | undefined) {
    this.storage = storage;
    this.#checkpointBytes = checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
  }

  /**
   * Whether an automatic checkpoint should start: none is under way and the log has grown past
   * the checkpoint policy (bytes, or replay time on reopen).
   */
  get due(): boolean {
    return (
      !this.checkpointing &&
      checkpointDue(
        { bytes: this.#sizes.reduce((n, [, b]) => n + b, 0), records: this.#sizes.length },
        this.#snapshotBytes,
        this.#checkpointBytes,
      )
    );
  }

  /** Counts a record of `bytes` storage now holds after the snapshot. */
  add(seq: number, bytes: number): void {
    this.#sizes.push([seq, bytes]);
  }

  /** Starts the account afresh: a snapshot of `snapshotBytes`, then `records`. */
  restart(records: readonly RedoRecord[], snapshotBytes: number): void {
    this.#sizes = records.map((r) => [r.seq, recordSize(r)] as const);
    this.#snapshotBytes = snapshotBytes;
  }

  /** A snapshot of `snapshotBytes` now covers every record up to `seq`. */
  folded(seq: number, snapshotBytes: number): void {
    this.#sizes = this.#sizes.filter(([s]) => s > seq);
    this.#snapshotBytes = snapshotBytes;
  }
}
