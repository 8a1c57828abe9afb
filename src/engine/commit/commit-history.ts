import type { CommitsSince, RedoRecord, RemoteCommit } from '../../protocol/engine-api';
import type { TableInfo } from '../../schema/table-info';
import { ChangedKeys } from '../changed-keys';

/** Commits kept in memory for `commitsSince`; older readers reload. */
const COMMITS_KEPT = 1_000;
/** Push ids remembered for `hasCommitted`. */
const PUSH_IDS_KEPT = 1_000;

/**
 * The commits an engine remembers, in memory: the last ones with their effects (for readers that
 * take commits in, and for the rows a guard must still check), and the ids of the last pushes (a
 * push sent twice is recognised). What is stored durably is the storage's log, not this.
 *
 * @example
 * ```ts
 * const history = new CommitHistory();
 * history.add(record, tables);
 * history.since(0, record.seq); // { seq, commits: [...], complete: true }
 * ```
 */
export class CommitHistory {
  /** Commits after `#base`, oldest first. */
  #commits: RemoteCommit[] = [];
  #base = 0;
  #pushIds: string[] = [];
  /**
   * The last commit that dropped each table, of the commits after `#dropsFrom`: kept beyond the
   * commits themselves (the redo log's records since the snapshot are read at open), so that a
   * draft or a push based on a table can be told it was dropped since.
   */
  readonly #drops = new Map<string, number>();
  #dropsFrom = Infinity;

  /** The ids of the last pushes committed, oldest first. */
  get pushIds(): readonly string[] {
    return this.#pushIds;
  }

  /** The last commit kept, or undefined when none is. */
  get last(): RemoteCommit | undefined {
    return this.#commits[this.#commits.length - 1];
  }

  /** Takes a committed record in, `tables` the schema after it. */
  add(record: RedoRecord, tables: readonly TableInfo[]): void {
    this.#noteDrops(record);
    this.#commits.push({ seq: record.seq, effects: record.effects, tables });
    if (this.#commits.length > COMMITS_KEPT) {
      const dropped = this.#commits.splice(0, this.#commits.length - COMMITS_KEPT);
      this.#base = dropped[dropped.length - 1]!.seq;
    }
    this.#pushIds.push(record.pushId);
    if (this.#pushIds.length > PUSH_IDS_KEPT)
      this.#pushIds.splice(0, this.#pushIds.length - PUSH_IDS_KEPT);
  }

  /**
   * Forgets the commits up to `seq` (an open, an import or a snapshot catch-up: there is no
   * row-level account of what came before), and with `pushIds` starts the push ids afresh too.
   */
  restart(seq: number, pushIds?: readonly string[]): void {
    this.#commits = [];
    this.#base = seq;
    if (pushIds) this.#pushIds = pushIds.slice(-PUSH_IDS_KEPT);
  }

  /**
   * Starts knowing the drops afresh: those of `records`, the commits after `from` (the records a
   * snapshot at `from` is replayed with, at an open; none, for an import at `from`).
   */
  restartDrops(from: number, records: readonly RedoRecord[]): void {
    this.#drops.clear();
    this.#dropsFrom = from;
    for (const r of records) this.#noteDrops(r);
  }

  /** The tables commits after `seq` dropped; null where the drops known do not reach back to it. */
  droppedAfter(seq: number): string[] | null {
    if (seq < this.#dropsFrom) return null;
    return [...this.#drops].filter(([, at]) => at > seq).map(([table]) => table);
  }

  #noteDrops(record: RedoRecord): void {
    for (const e of record.effects) if (e.dropped) this.#drops.set(e.table, record.seq);
  }

  /** What it held, to put back with {@link restore} (see `restoreFromStorage`). */
  save(): { readonly commits: RemoteCommit[]; readonly base: number } {
    return { commits: this.#commits, base: this.#base };
  }

  restore(saved: { readonly commits: RemoteCommit[]; readonly base: number }): void {
    this.#commits = saved.commits;
    this.#base = saved.base;
  }

  /** The commits after `seq`, up to `current`; incomplete when they go back past those kept. */
  since(seq: number, current: number): CommitsSince {
    const dropped = this.droppedAfter(seq);
    if (seq < this.#base) return { seq: current, commits: [], complete: false, dropped };
    return {
      seq: current,
      commits: this.#commits.filter((c) => c.seq > seq),
      complete: true,
      dropped,
    };
  }

  /**
   * Whether a commit after `seq` (up to `current`) dropped `table`; false where the commits kept
   * do not go back to `seq`.
   */
  droppedSince(table: string, seq: number, current: number): boolean {
    if (seq > current) return false;
    return this.droppedAfter(seq)?.includes(table) ?? false;
  }

  /**
   * The rows of `table` that commits after `seq` wrote or deleted, as far as the commits kept tell
   * (null where they cannot): they go back to the last {@link restart}, and every commit lists
   * each table whose rows or schema it changed, row by row, triggers and cascades included. Null
   * too past `limit` rows, or for a `seq` after `current`.
   */
  changedSince(table: string, seq: number, limit: number, current: number): ChangedKeys | null {
    if (seq < this.#base || seq > current) return null;
    const changed = new ChangedKeys(limit);
    for (const c of this.#commits) {
      if (c.seq <= seq) continue;
      for (const e of c.effects) if (e.table === table && !changed.add(e)) return null;
    }
    return changed;
  }
}
