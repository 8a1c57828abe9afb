/**
 * Redo records a snapshot of this many bytes may have after it before a checkpoint is due: one per
 * 64 KiB of snapshot, at least 100. The byte threshold alone let 8 MiB of one-cell records (some
 * 30,000) pile up before a checkpoint. Measured in a fresh worker, a one-cell record replays in
 * about 0.2 ms and a snapshot opens at about 0.8 ms per 64 KiB, so a reopen replays at most about
 * a quarter of the snapshot's open time. One record per 128 KiB measured a reopen 1.10x the
 * snapshot's against 1.22x, but doubled the bytes checkpoints write (~130 KiB per small push) and
 * the pushes a checkpoint's export holds up (see the engine's checkpoint).
 */
const SNAPSHOT_BYTES_PER_RECORD = 64 * 1024;
const MIN_RECORDS = 100;

/** The log after the snapshot, as the engine counts it. */
export interface LogSize {
  readonly bytes: number;
  readonly records: number;
}

/**
 * Whether a checkpoint is due: the log holds more than `checkpointBytes`, or more records than a
 * reopen should replay for a snapshot of `snapshotBytes` (see above).
 *
 * @example
 * ```ts
 * checkpointDue({ bytes: 30_000, records: 1_700 }, 100 * 2 ** 20, 8 * 2 ** 20); // true
 * ```
 */
export function checkpointDue(
  log: LogSize,
  snapshotBytes: number,
  checkpointBytes: number,
): boolean {
  const records = Math.max(MIN_RECORDS, Math.ceil(snapshotBytes / SNAPSHOT_BYTES_PER_RECORD));
  return log.bytes > checkpointBytes || log.records > records;
}
