import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { decodeTagged, encodePlan } from '../../src/plan/plan-json';

/** A message from the server, decoded (tags turned back into values). */
export type ServerMessage = { readonly type: string } & Record<string, unknown>;

/** A commit as a device receives it. */
export interface CommitMessage extends ServerMessage {
  readonly type: 'commit';
  readonly seq: number;
  readonly pushId: string;
  readonly effects: readonly {
    readonly table: string;
    readonly deleted: { keys: unknown[][] };
    readonly upserts: { columns: string[]; values: unknown[][]; priorKeys: unknown[][] };
  }[];
}

/**
 * A device as the tests play it: a raw WebSocket speaking the sync protocol, every message it
 * receives kept in order, with waits on what it expects.
 */
export class SyncDevice {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      this.messages.push(decodeTagged(String(data)) as ServerMessage);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const w of this.#waiters) w();
      }),
    );
  }

  /** Opens a WebSocket to `url` (no hello sent yet). */
  static open(url: string): Promise<SyncDevice> {
    const ws = new WebSocket(url);
    const device = new SyncDevice(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(device));
      ws.once('error', reject);
    });
  }

  /** Opens a WebSocket and says hello; resolves with the welcome. */
  static async connect(
    url: string,
    token: string,
    since: number | null = null,
  ): Promise<{ device: SyncDevice; welcome: ServerMessage }> {
    const device = await SyncDevice.open(url);
    device.send({ type: 'hello', protocol: 1, token, since });
    const welcome = await device.next((m) => m.type === 'welcome' || m.type === 'error');
    if (welcome.type !== 'welcome') throw new Error(`not welcomed: ${JSON.stringify(welcome)}`);
    return { device, welcome };
  }

  send(message: unknown): void {
    this.#ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  /** The first message (after those already taken by `from`) that `match`es, waiting for it. */
  async next(
    match: (m: ServerMessage) => boolean,
    timeoutMs = 20_000,
    from = 0,
  ): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.#ws.readyState >= WebSocket.CLOSING)
        throw new Error(`closed while waiting; got ${JSON.stringify(this.messages.slice(-3))}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a push and waits for its answer. */
  async push(
    plan: ExecutionPlan | string,
    id: string = randomUUID(),
    basis: number | null = null,
  ): Promise<ServerMessage> {
    const from = this.messages.length;
    this.send({
      type: 'push',
      id,
      basis,
      plan: typeof plan === 'string' ? plan : encodePlan(plan),
    });
    return this.next(
      (m) => ['accepted', 'refused', 'failed'].includes(m.type) && m['id'] === id,
      60_000,
      from,
    );
  }

  /** The commits received so far, in the order received. */
  commits(): CommitMessage[] {
    return this.messages.filter((m): m is CommitMessage => m.type === 'commit');
  }

  /** Waits until a commit numbered `seq` (or later) arrived. */
  async commitAtLeast(seq: number, timeoutMs = 30_000): Promise<void> {
    await this.next((m) => m.type === 'commit' && (m['seq'] as number) >= seq, timeoutMs);
  }

  close(): void {
    this.#ws.close();
  }

  /** Drops the connection without a closing handshake (a device losing its network). */
  terminate(): void {
    this.#ws.terminate();
  }
}
