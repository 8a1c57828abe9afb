import { COMMITS_CHANNEL, lastCommit, readCommits, type LoggedCommit } from './commit-log';
import type { SyncPool, SyncPoolClient } from './sync-pool';

/** How many recent commits a server process keeps in memory for its connections. */
const RECENT = 2048;
/** And at most about this many bytes of them: a few large commits push the older out. */
const RECENT_BYTES = 32 * 1024 * 1024;
/** How many commits one read of the log takes. */
const BATCH = 500;

/**
 * A server process's view of the commit log: it LISTENs for new commits, reads each once, in
 * order and without gaps (commit n is visible only after every commit before it: they are
 * numbered under one lock), keeps the recent ones, and tells its connections. Connections that
 * are behind read older commits from the log themselves. Nothing here is needed to restart: the
 * log in PostgreSQL is the only state.
 */
export class CommitFeed {
  /** The last commit this process has read. */
  head = 0;
  readonly #pool: SyncPool;
  readonly #recent: LoggedCommit[] = [];
  #recentBytes = 0;
  readonly #listeners = new Set<() => void>();
  #listener: SyncPoolClient | null = null;
  #reading: Promise<void> | null = null;
  #again = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #readAgain: ReturnType<typeof setTimeout> | null = null;

  constructor(pool: SyncPool) {
    this.#pool = pool;
  }

  /** Starts listening; resolves once the feed knows the log's last commit. */
  async start(): Promise<void> {
    this.head = await lastCommit(this.#pool);
    await this.#listen();
    // A commit made between reading the head and listening is read now.
    this.poke();
  }

  async #listen(): Promise<void> {
    const client = await this.#pool.connect();
    client.on('notification', (n) => {
      if (n.channel === COMMITS_CHANNEL) this.poke();
    });
    client.on('error', () => this.#lost(client));
    try {
      await client.query({ text: `LISTEN ${COMMITS_CHANNEL}`, values: [], rowMode: 'array' });
    } catch (e) {
      client.release(true);
      throw e;
    }
    this.#listener = client;
  }

  /** The listening connection broke: listen again (after a pause), and read what was missed. */
  #lost(client: SyncPoolClient): void {
    if (this.#listener !== client) return;
    this.#listener = null;
    client.release(true);
    const again = (): void => {
      this.#retry = null;
      if (this.#closed) return;
      this.#listen().then(
        () => this.poke(),
        () => (this.#retry = setTimeout(again, 1000)),
      );
    };
    this.#retry = setTimeout(again, 200);
  }

  /** Calls `listener` whenever `head` moves. Returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads the commits after `head` (one read at a time; a poke during one reads again after). */
  poke(): void {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#readNew()
      .catch(() => {
        // The log could not be read now: the next notification (or reconnect) reads it.
      })
      .finally(() => {
        this.#reading = null;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.poke();
        }
      });
  }

  async #readNew(): Promise<void> {
    for (;;) {
      const commits = await readCommits(this.#pool, this.head, BATCH);
      if (!commits.length) return;
      // Kept only while they follow `head` without a gap: what `read` slices by position must be
      // every commit once, in order. A commit that does not follow is read again, a moment later.
      let taken = 0;
      for (const c of commits) {
        if (c.seq !== this.head + 1) break;
        this.#recent.push(c);
        this.#recentBytes += c.bytes;
        this.head = c.seq;
        taken++;
      }
      if (taken < commits.length) this.#readSoon();
      let drop = 0;
      while (
        this.#recent.length - drop > 1 &&
        (this.#recent.length - drop > RECENT || this.#recentBytes > RECENT_BYTES)
      )
        this.#recentBytes -= this.#recent[drop++]!.bytes;
      if (drop) this.#recent.splice(0, drop);
      if (taken) for (const l of this.#listeners) l();
      if (taken < BATCH) return;
    }
  }

  /** Reads again shortly (a commit not yet visible to this process's read). */
  #readSoon(): void {
    if (this.#closed || this.#readAgain) return;
    this.#readAgain = setTimeout(() => {
      this.#readAgain = null;
      this.poke();
    }, 20);
  }

  /** The commits after `after` (at most `limit`, in order): from memory, else from the log. */
  async read(after: number, limit = BATCH): Promise<readonly LoggedCommit[]> {
    const first = this.#recent[0];
    if (first && after >= first.seq - 1) {
      const from = after - first.seq + 1;
      const slice = this.#recent.slice(from, from + limit);
      if (!slice.length || slice[0]!.seq === after + 1) return slice;
    }
    return readCommits(this.#pool, after, limit);
  }

  /** Stops listening. */
  close(): void {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#readAgain) clearTimeout(this.#readAgain);
    const client = this.#listener;
    this.#listener = null;
    this.#listeners.clear();
    client?.release(true);
  }
}
