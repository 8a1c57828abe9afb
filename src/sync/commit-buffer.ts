import type { TableEffect } from '../protocol/engine-api';

/** A server commit as the device receives it. */
export interface ReceivedCommit {
  readonly seq: number;
  readonly pushId: string;
  readonly effects: readonly TableEffect[];
}

/**
 * The server's commits received and not yet taken in, by number. The server sends each once and
 * in order, but a connection lost and made again, or a `pull`, sends some again: a commit is kept
 * once, and a run is taken only from the one that follows the last taken in.
 */
export class CommitBuffer {
  readonly #commits = new Map<number, ReceivedCommit>();
  /** The last commit a gap was asked for after (see `gapAfter`). */
  #pulledFrom = -1;

  get size(): number {
    return this.#commits.size;
  }

  add(commit: ReceivedCommit): void {
    this.#commits.set(commit.seq, commit);
  }

  has(seq: number): boolean {
    return this.#commits.has(seq);
  }

  /** The push ids of the commits waiting. */
  pushIds(): Set<string> {
    return new Set([...this.#commits.values()].map((c) => c.pushId));
  }

  /** Forgets the commits up to `seq` (taken in). */
  dropThrough(seq: number): void {
    for (const s of this.#commits.keys()) if (s <= seq) this.#commits.delete(s);
  }

  /** The commits that follow `from` without a gap, in order; those up to `from` are forgotten. */
  runAfter(from: number): ReceivedCommit[] {
    const run: ReceivedCommit[] = [];
    for (let c = this.#commits.get(from + 1); c; c = this.#commits.get(c.seq + 1)) run.push(c);
    this.dropThrough(from);
    return run;
  }

  /**
   * After a run ending at `last`: the commit to ask the server for the commits after (`pull`)
   * when later ones wait beyond a gap and that was not asked yet; null otherwise.
   */
  gapAfter(last: number, runLength: number): number | null {
    if (this.#commits.size <= runLength || this.#pulledFrom === last) return null;
    this.#pulledFrom = last;
    return last;
  }

  /** Notes that the commits after `seq` were asked for. */
  pulled(seq: number): void {
    this.#pulledFrom = seq;
  }
}
