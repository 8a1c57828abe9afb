import type { SyncStatus } from './sync-options';

/**
 * The `sync()` calls waiting, and the `head` questions behind them: each `sync()` asks the
 * server where its log ends (`→ head`) and resolves only once the answer to its question came and
 * the device has taken in up to there, so that a round ends with what the server had when it
 * began (not only what this device had heard of).
 */
export class HeadTickets {
  #asked = 0;
  #answered = 0;
  /** The questions sent on this connection, in order (answers come in the same order). */
  #sent: number[] = [];
  #waiters: { resolve(s: SyncStatus): void; reject(e: unknown): void; ticket: number }[] = [];

  /** A `sync()` call: waits for a question of its own to be answered. */
  wait(resolve: (s: SyncStatus) => void, reject: (e: unknown) => void): void {
    this.#waiters.push({ resolve, reject, ticket: ++this.#asked });
  }

  /** A question not yet answered is waiting (to be sent on a new connection). */
  get unanswered(): boolean {
    return this.#answered < this.#asked;
  }

  /** The question for the newest ticket is sent now. */
  sent(): void {
    this.#sent.push(this.#asked);
  }

  /** The server answered the oldest question sent. */
  answered(): void {
    this.#answered = Math.max(this.#answered, this.#sent.shift() ?? 0);
  }

  /** The connection is gone: its questions will not be answered. */
  lost(): void {
    this.#sent = [];
  }

  /** Resolves the calls whose question was answered (all of them when `all`). */
  resolve(status: SyncStatus, all = false): void {
    const done = this.#waiters.filter((w) => all || w.ticket <= this.#answered);
    this.#waiters = this.#waiters.filter((w) => !done.includes(w));
    for (const w of done) w.resolve(status);
  }

  /** Rejects every call waiting. */
  fail(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
