import { PandalchemyError } from '../errors/pandalchemy-error';
import type { SerializedError } from '../errors/pandalchemy-error';
import type { TableEffect } from '../protocol/engine-api';
import { Listeners } from '../events/listeners';
import { CommitBuffer } from './commit-buffer';
import { HeadTickets } from './head-tickets';
import type { PushAnswer } from './push-answer';
import {
  closedAsTooLarge,
  oversizedPush,
  serverLimitsOf,
  type ServerLimits,
} from './oversized-push';
import { reloadTables } from './reload-tables';
import type { RoundContext } from './round-context';
import { takeCommits } from './take-commits';
import { TableLoads } from './table-loads';
import type { SyncHost } from './sync-host';
import type { RefusedPush, SyncOptions, SyncStatus } from './sync-options';
import { SyncSocket, type SyncMessage } from './sync-socket';

/** The sync protocol version this client speaks (docs/sync-protocol.md). */
const PROTOCOL = 1;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;
/** How long a round that is not done waits before it looks again (see `#watch`). */
const WATCH_MS = 1_000;

/**
 * The device side of sync (docs/sync-protocol.md, "Device side"): one per database that syncs,
 * active in the one tab holding the database's sync lock. It sends the outbox one push at a time,
 * and once every push in it is answered takes in the server's commits, undoes refused pushes by
 * taking in the server's rows of their tables, and returns their edits as pending edits.
 */
export class SyncClient {
  readonly statusListeners = new Listeners<SyncStatus>();
  readonly refusedListeners = new Listeners<RefusedPush>();
  readonly #host: SyncHost;
  readonly #options: SyncOptions;
  #status: SyncStatus = {
    state: 'offline',
    outbox: 0,
    serverSeq: null,
    loading: null,
    error: null,
  };
  #socket: SyncSocket | null = null;
  #welcomed = false;
  #head = 0;
  /** The server's log does not hold this device's history: reload every table. */
  #reloadAll = false;
  #readable: readonly string[] = [];
  /** What the server said it reads (its welcome): a bigger push is refused here. */
  #limits: ServerLimits | null = null;
  #paused = false;
  #closed = false;
  #lockHeld = false;
  /** Another tab holds the sync lock: it sends the outbox this tab shares. */
  #follower = false;
  #releaseLock: (() => void) | null = null;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The browser said it went offline: no retries until it says `online` (or `sync()`). */
  #browserOffline = false;
  #watchTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #answers = new Map<string, PushAnswer>();
  #inFlight: string | null = null;
  readonly #buffer = new CommitBuffer();
  readonly #loadedAsOf = new Map<string, number>();
  readonly #reloadTables = new Set<string>();
  readonly #loadFailures = new Map<string, PandalchemyError>();
  // A load goes only on a connection the server has welcomed: sent before (a round that went on
  // across a reconnection), the server would not answer it, and the round would wait for ever.
  readonly #loads = new TableLoads(
    (message) => this.#welcomed && this.#send(message),
    (loading) => this.#setStatus({ loading }),
  );
  #running: Promise<void> | null = null;
  #again = false;
  readonly #tickets = new HeadTickets();
  readonly #unsubscribe: () => void;

  constructor(host: SyncHost, options: SyncOptions) {
    this.#host = host;
    this.#options = options;
    // Local pushes (this tab's and other tabs') join the outbox: send them.
    const unsubscribe = host.onChange(() => this.#kick());
    // A browser that loses its network can keep a WebSocket half-open for minutes, pushes sent
    // into it and the status saying online: go offline when the browser says so, and connect
    // again as soon as it is back (not after the backoff).
    globalThis.addEventListener?.('offline', this.#onOffline);
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#unsubscribe = () => {
      unsubscribe();
      globalThis.removeEventListener?.('offline', this.#onOffline);
      globalThis.removeEventListener?.('online', this.#onOnline);
    };
  }

  readonly #onOffline = (): void => {
    this.#browserOffline = true;
    const socket = this.#socket;
    if (!socket) return;
    // Offline at once: the socket's own close event comes later and is ignored.
    this.#closedWith(
      new PandalchemyError('offline', 'The browser is offline: pushes wait until it is back.'),
    );
    socket.close(1000, 'offline');
  };

  readonly #onOnline = (): void => {
    this.#browserOffline = false;
    if (this.#socket) return;
    this.#retryMs = FIRST_RETRY_MS;
    this.#connect();
  };

  get status(): SyncStatus {
    return this.#status;
  }

  /**
   * Takes the database's sync lock and connects; in a tab where another one holds it, waits for
   * it (that tab sends this tab's pushes: they share the outbox). Returns at once.
   */
  start(): void {
    const name = `pandalchemy-sync:${this.#host.name}`;
    const hold = (): Promise<void> => {
      if (this.#closed) return Promise.resolve();
      this.#follower = false;
      this.#lockHeld = true;
      this.#connect();
      return new Promise<void>((release) => (this.#releaseLock = release));
    };
    void navigator.locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (lock) return hold();
        this.#follower = true;
        this.#kick();
        void navigator.locks.request(name, hold).catch(() => undefined);
        return undefined;
      })
      .catch(() => undefined);
  }

  /** A round now: resolves with the status once the outbox is empty and all received is taken in. */
  sync(): Promise<SyncStatus> {
    if (this.#paused) {
      return Promise.reject(
        new PandalchemyError('offline', 'Sync is paused: call resumeSync() first.'),
      );
    }
    return new Promise((resolve, reject) => {
      this.#tickets.wait(resolve, reject);
      this.#retryMs = FIRST_RETRY_MS;
      if (!this.#socket) this.#connect();
      else if (this.#welcomed) this.#askHead();
      this.#kick();
    });
  }

  /** Asks the server where its log ends now (see `HeadTickets`). */
  #askHead(): void {
    this.#tickets.sent();
    this.#send({ type: 'head' });
  }

  /** A local push just joined the outbox (its round reads the outbox again). */
  queued(): void {
    this.#setStatus({ outbox: this.#status.outbox + 1 });
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    const socket = this.#socket;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    // Offline at once: the socket's own close event comes later and is ignored.
    this.#closedWith(new PandalchemyError('offline', 'Sync is paused: call resumeSync().'));
    socket?.close(1000, 'paused');
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#retryMs = FIRST_RETRY_MS;
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#watchTimer) clearTimeout(this.#watchTimer);
    this.#socket?.close(1000, 'closed');
    this.#socket = null;
    this.#releaseLock?.();
    this.#tickets.fail(new PandalchemyError('closed', 'The database was closed.'));
    this.statusListeners.clear();
    this.refusedListeners.clear();
  }

  // ---- connection -----------------------------------------------------------------------------

  #connect(): void {
    if (this.#closed || this.#paused || this.#socket || !this.#lockHeld) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    try {
      this.#socket = new SyncSocket(this.#options.url, {
        hello: async () => ({
          type: 'hello',
          protocol: PROTOCOL,
          token: this.#options.token,
          since: (await this.#host.engine.outbox()).serverSeq,
        }),
        message: (m) => this.#onMessage(m),
        closed: (error, code) => this.#closedWith(error, code),
      });
    } catch (e) {
      this.#closedWith(
        new PandalchemyError('offline', `Cannot connect to ${this.#options.url}: ${String(e)}.`),
      );
    }
  }

  #closedWith(error: PandalchemyError, code?: number): void {
    // 1009: the server would not read a message (over its maxMessageBytes, which a server told
    // the device only after it connected, or changed since). Only a push can be that big: that
    // push is refused, as sending it again would close every connection, the outbox stuck behind.
    if (code === 1009 && this.#inFlight !== null) {
      this.#answers.set(this.#inFlight, { kind: 'refused', error: closedAsTooLarge().toJSON() });
    }
    this.#socket = null;
    this.#welcomed = false;
    this.#tickets.lost();
    this.#inFlight = null;
    this.#loads.rejectAll(error);
    this.#setStatus({ state: 'offline', error, loading: null });
    this.#tickets.fail(error);
    if (this.#closed || this.#paused || this.#browserOffline) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    this.#retryTimer = setTimeout(() => this.#connect(), wait);
  }

  /** Sends a message on the open connection; false when there is none (it was not sent). */
  #send(message: unknown): boolean {
    if (!this.#socket) return false;
    this.#socket.send(message);
    return true;
  }

  #onMessage(m: SyncMessage): void {
    if (this.#loads.take(m)) return;
    switch (m.type) {
      case 'welcome': {
        this.#welcomed = true;
        this.#socket?.welcomed();
        this.#retryMs = FIRST_RETRY_MS;
        this.#head = Number(m['head']);
        const tables = m['tables'] as readonly { table: string; read: boolean }[];
        this.#readable = tables.filter((t) => t.read).map((t) => t.table);
        this.#limits = serverLimitsOf(m);
        if (this.#tickets.unanswered) this.#askHead();
        void this.#host.engine.outbox().then((s) => {
          if (s.serverSeq !== null && s.serverSeq > this.#head) this.#reloadAll = true;
          this.#setStatus({ state: 'syncing', error: null });
          this.#kick();
        });
        return;
      }
      case 'accepted':
      case 'refused':
      case 'failed': {
        const id = String(m['id']);
        if (this.#inFlight === id) this.#inFlight = null;
        if (m.type === 'accepted') this.#answers.set(id, { kind: 'accepted' });
        else if (m.type === 'refused')
          this.#answers.set(id, { kind: 'refused', error: m['error'] as SerializedError });
        else {
          // Not recorded: sent again after a pause.
          setTimeout(() => this.#kick(), this.#retryMs);
          return;
        }
        this.#kick();
        return;
      }
      case 'head': {
        this.#head = Math.max(this.#head, Number(m['head']));
        this.#tickets.answered();
        this.#kick();
        return;
      }
      case 'commit': {
        const seq = Number(m['seq']);
        this.#head = Math.max(this.#head, seq);
        this.#buffer.add({
          seq,
          pushId: String(m['pushId']),
          effects: m['effects'] as TableEffect[],
        });
        this.#kick();
        return;
      }
    }
  }

  // ---- rounds ---------------------------------------------------------------------------------

  /** Runs a round, or another one after the one running. */
  #kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#round();
        } catch (e) {
          if (this.#closed) break;
          // A failed round (connection lost mid-way, storage) is retried on the next event.
          const error =
            e instanceof PandalchemyError
              ? e
              : new PandalchemyError('internal', `Sync failed: ${String(e)}.`);
          this.#setStatus({ error });
          if (this.#socket && this.#welcomed) this.#tickets.fail(error);
        }
      } while (this.#again && !this.#closed);
      this.#running = null;
    })();
  }

  async #round(): Promise<void> {
    let state = await this.#host.engine.outbox();
    this.#setStatus({ outbox: state.entries.length, serverSeq: state.serverSeq });
    if (!this.#welcomed) {
      // In a tab that does not sync, a round is done once the syncing tab emptied the outbox.
      // The syncing tab's round is this tab's too: every sync() call here is done.
      if (this.#follower && !state.entries.length) this.#tickets.resolve(this.#status, true);
      return;
    }
    let unanswered = state.entries.filter((e) => !this.#answers.has(e.id));
    if (unanswered.length) {
      this.#setStatus({ state: 'syncing' });
      while (this.#inFlight === null && unanswered.length) {
        const next = unanswered[0]!;
        const push = { type: 'push', id: next.id, basis: state.serverSeq, plan: next.plan };
        const text = JSON.stringify(push);
        const tooLarge = oversizedPush(text, this.#limits);
        if (tooLarge) {
          // Refused here as the server would refuse it, had it read it: undone with the others.
          this.#answers.set(next.id, { kind: 'refused', error: tooLarge.toJSON() });
          unanswered = unanswered.slice(1);
          continue;
        }
        this.#inFlight = next.id;
        this.#send(push);
      }
      if (unanswered.length) return;
    }
    // Every push in the outbox is answered: the server's commits may come in, unless a local
    // push joined the outbox meanwhile (its round comes next).
    if (!(await takeCommits(this.#roundContext(), state))) return;
    state = await this.#host.engine.outbox();
    if (!(await reloadTables(this.#roundContext(), state))) return;
    state = await this.#host.engine.outbox();
    for (const id of [...this.#answers.keys()])
      if (!state.entries.some((e) => e.id === id)) this.#answers.delete(id);
    // Caught up: this device has taken in every commit the server had when it last said where its
    // head was (the welcome, or a later commit received), so sync() never resolves half-way
    // through a catch-up whose commits are still on their way.
    const caughtUp =
      state.serverSeq === null ? !this.#syncedTables().length : state.serverSeq >= this.#head;
    const idle = !state.entries.length && !this.#buffer.size && !this.#loads.size && caughtUp;
    // A synced table the server would not load is reported once the rest is done: the other
    // tables sync on, and sync() says which one is not there.
    const failure = [...this.#loadFailures].find(([t]) => this.#syncedTables().includes(t))?.[1];
    this.#setStatus({
      state: idle ? 'online' : 'syncing',
      outbox: state.entries.length,
      serverSeq: state.serverSeq,
      loading: null,
      error: failure ?? null,
    });
    // The sync() calls whose head question was answered; the others wait for their answer.
    if (idle && failure) this.#tickets.fail(failure);
    else if (idle) this.#tickets.resolve(this.#status);
    else this.#watch();
  }

  /**
   * A round that ends short of done waits for a message (an answer, a commit). Should that wake-up
   * be lost, sync() must not wait for ever: a second later the device looks again, and if it still
   * waits for the commit of a push the server accepted, it asks for the commits after its last.
   */
  #watch(): void {
    if (this.#watchTimer || this.#closed) return;
    this.#watchTimer = setTimeout(() => {
      this.#watchTimer = null;
      if (this.#closed || !this.#socket || !this.#welcomed) return;
      void this.#host.engine.outbox().then(
        (s) => {
          const buffered = this.#buffer.pushIds();
          const missing = s.entries.some(
            (e) => this.#answers.get(e.id)?.kind === 'accepted' && !buffered.has(e.id),
          );
          const behind =
            s.serverSeq !== null && s.serverSeq < this.#head && !this.#buffer.has(s.serverSeq + 1);
          if ((missing || behind) && s.serverSeq !== null) {
            this.#buffer.pulled(s.serverSeq);
            this.#send({ type: 'pull', since: s.serverSeq });
          }
          this.#kick();
        },
        () => this.#kick(),
      );
    }, WATCH_MS);
  }

  /** The state a round's steps read, as it is now. */
  #roundContext(): RoundContext {
    return {
      host: this.#host,
      loads: this.#loads,
      answers: this.#answers,
      reloadTables: this.#reloadTables,
      loadFailures: this.#loadFailures,
      loadedAsOf: this.#loadedAsOf,
      buffer: this.#buffer,
      refusedListeners: this.refusedListeners,
      head: this.#head,
      reloadAll: this.#reloadAll,
      syncedTables: this.#syncedTables(),
      readable: this.#readable,
      loadedAfresh: () => {
        this.#reloadAll = false;
      },
      send: (message) => this.#send(message),
      watch: () => this.#watch(),
    };
  }

  #syncedTables(): readonly string[] {
    return this.#options.tables ?? this.#readable;
  }

  #setStatus(change: Partial<SyncStatus>): void {
    const next = { ...this.#status, ...change };
    if (next.state !== 'offline') next.error = change.error ?? null;
    const same = (Object.keys(next) as (keyof SyncStatus)[]).every(
      (k) => next[k] === this.#status[k],
    );
    if (same) return;
    this.#status = next;
    this.statusListeners.emit(next);
  }
}
