/**
 * Redo records a snapshot of this many bytes may have after it before a checkpoint is due: one per
 * 64 KiB of snapshot, at least 100. Replaying a small record costs tens of microseconds, loading
 * 64 KiB of snapshot about a millisecond, so the log stays within about a tenth of the snapshot's
 * load time however small the pushes are; the byte threshold alone let 8 MiB of one-cell records
 * (some 30,000) pile up before a checkpoint.
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
