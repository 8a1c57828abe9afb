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
    if (seq < this.#base) return { seq: current, commits: [], complete: false };
    return { seq: current, commits: this.#commits.filter((c) => c.seq > seq), complete: true };
  }

  /**
   * Whether a commit after `seq` (up to `current`) dropped `table`; false where the commits kept
   * do not go back to `seq`.
   */
  droppedSince(table: string, seq: number, current: number): boolean {
    if (seq < this.#base || seq > current) return false;
    return this.#commits.some(
      (c) => c.seq > seq && c.effects.some((e) => e.table === table && e.dropped),
    );
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
