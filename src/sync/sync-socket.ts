import { PandalchemyError, fromSerializedError } from '../errors/pandalchemy-error';
import type { SerializedError } from '../errors/pandalchemy-error';
import { decodeTagged } from '../plan/plan-json';

/** A message from the sync server, decoded (tags turned back into values). */
export type SyncMessage = { readonly type: string } & Record<string, unknown>;

/** A server that has not welcomed the device this long after connecting is given up on. */
const WELCOME_TIMEOUT_MS = 15_000;

/** What a {@link SyncSocket} tells its client. */
export interface SyncSocketEvents {
  /** The `hello` to send once connected; a rejection closes the connection. */
  hello(): Promise<unknown>;
  /** A message from the server (its `error` messages are the close's reason instead). */
  message(m: SyncMessage): void;
  /**
   * The connection closed (or never opened), with why and its close code; not called after
   * `close()`.
   */
  closed(error: PandalchemyError, code: number): void;
}

/**
 * One WebSocket connection to the sync server (docs/sync-protocol.md): says hello when open,
 * decodes what comes, gives up on a server that does not welcome the device in time, and reports
 * its close once, with the server's `error` as the reason when it sent one.
 */
export class SyncSocket {
  readonly #ws: WebSocket;
  readonly #giveUp: ReturnType<typeof setTimeout>;
  /** False once closed by the client or reported closed: nothing more is reported. */
  #current = true;

  /** Connects to `url`; throws when the URL cannot be connected to at all. */
  constructor(url: string, events: SyncSocketEvents) {
    const ws = new WebSocket(url);
    this.#ws = ws;
    // A peer that takes the connection and never answers (a proxy, the wrong path) must not hold
    // sync() for ever.
    this.#giveUp = setTimeout(() => {
      if (this.#current) ws.close(4408, 'no welcome');
    }, WELCOME_TIMEOUT_MS);
    // A failed connection is followed by its close event, handled there. Listened to all the same:
    // WebSocket implementations outside browsers (the `ws` package) throw an error nobody
    // listens to, such as a close() before the connection was made.
    ws.onerror = () => undefined;
    ws.onopen = () => {
      void events.hello().then(
        (hello) => {
          if (this.#current) ws.send(JSON.stringify(hello));
        },
        () => ws.close(),
      );
    };
    let refusal: PandalchemyError | null = null;
    ws.onmessage = (event: MessageEvent) => {
      if (!this.#current) return;
      let m: SyncMessage;
      try {
        m = decodeTagged(String(event.data)) as SyncMessage;
      } catch {
        ws.close(4400, 'not tagged JSON');
        return;
      }
      if (m.type === 'error') refusal = fromSerializedError(m['error'] as SerializedError);
      else events.message(m);
    };
    ws.onclose = (event: CloseEvent) => {
      clearTimeout(this.#giveUp);
      if (!this.#current) return;
      this.#current = false;
      events.closed(
        refusal ??
          new PandalchemyError(
            'offline',
            `The sync server connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''}); it is retried.`,
          ),
        event.code,
      );
    };
  }

  send(message: unknown): void {
    if (this.#current) this.#ws.send(JSON.stringify(message));
  }

  /** The server welcomed the device: no more waiting for it. */
  welcomed(): void {
    clearTimeout(this.#giveUp);
  }

  /** Closes the connection; its close is not reported (the client says why itself). */
  close(code: number, reason: string): void {
    this.#current = false;
    clearTimeout(this.#giveUp);
    this.#ws.close(code, reason);
  }
}
