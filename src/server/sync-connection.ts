import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { isSchemaStep, type ExecutionPlan } from '../plan/execution-plan';
import { decodePlan, encodeTagged } from '../plan/plan-json';
import {
  applyPush,
  failedAnswer,
  planHash,
  recordedAnswer,
  refusePush,
  type CheckedPush,
} from './apply-push';
import { identify, type SyncIdentity, type TableAccessKind } from './authenticate';
import type { CommitFeed } from './commit-feed';
import { lastCommit } from './commit-log';
import { appCallbackFailed, failureForDevice } from './device-errors';
import {
  parseDeviceMessage,
  SYNC_PROTOCOL,
  type HelloMessage,
  type LoadMessage,
  type PushAnswer,
  type PushMessage,
  type TableAccess,
} from './sync-messages';
import type { SyncServerContext } from './sync-server-context';
import { loadTable } from './table-load';

/** WebSocket close codes of the protocol. */
export const CLOSE = { invalidMessage: 4400, unauthorized: 4401, serverError: 1011 } as const;

/**
 * One device's connection (docs/sync-protocol.md): `hello` first, then pushes (answered in order,
 * one at a time), pulls, loads, and the commits the device may read, in order, without gaps.
 */
export class SyncConnection {
  readonly #ws: WebSocket;
  readonly #request: IncomingMessage;
  readonly #context: SyncServerContext;
  readonly #feed: CommitFeed;
  #identity: SyncIdentity | null = null;
  #helloing = false;
  #readable = new Set<string>();
  /** The last commit sent to the device; null before `hello`. */
  #cursor: number | null = null;
  #pumping = false;
  #pumpAgain = false;
  #pushes: Promise<void> = Promise.resolve();
  #pending = 0;
  /** Whether a load of this connection is streaming (one at a time). */
  #loading = false;
  #closed = false;
  #unsubscribe: (() => void) | null = null;
  readonly #helloTimer: ReturnType<typeof setTimeout>;

  constructor(ws: WebSocket, request: IncomingMessage, context: SyncServerContext) {
    this.#ws = ws;
    this.#request = request;
    this.#context = context;
    this.#feed = context.feed;
    this.#helloTimer = setTimeout(
      () => this.#fail(CLOSE.invalidMessage, 'invalid_message', 'No hello in time.'),
      context.limits.helloTimeoutMs,
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.#fail(
          CLOSE.invalidMessage,
          'invalid_message',
          'Binary frames are not part of the protocol.',
        );
        return;
      }
      this.#receive(String(data));
    });
    ws.on('close', () => this.#close());
    ws.on('error', () => this.#close());
  }

  #send(message: unknown, flushed?: (error?: Error) => void): void {
    if (this.#closed) return flushed?.(new Error('closed'));
    this.#ws.send(encodeTagged(message), flushed);
  }

  /** Sends an `error` and closes the connection. */
  #fail(code: number, errorCode: PandalchemyError['code'], message: string): void {
    if (this.#closed) return;
    this.#send({ type: 'error', error: new PandalchemyError(errorCode, message).toJSON() });
    this.#ws.close(code, errorCode);
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    this.#unsubscribe?.();
  }

  #receive(text: string): void {
    let message;
    try {
      message = parseDeviceMessage(text);
    } catch (e) {
      // The parser's own errors say what the device sent; anything else is not the device's to read.
      const error =
        e instanceof PandalchemyError ? e.message : 'The message could not be read as JSON.';
      return this.#fail(CLOSE.invalidMessage, 'invalid_message', error);
    }
    if (message.type === 'hello') {
      if (this.#identity || this.#helloing)
        return this.#fail(CLOSE.invalidMessage, 'invalid_message', 'A second hello.');
      this.#helloing = true;
      // The device learns that the server failed, not how: the app's authenticate and
      // PostgreSQL say things of the server's insides (hosts, users) in their errors.
      void this.#hello(message).catch((e: unknown) => {
        const error = this.#failure('start the session', e);
        this.#fail(CLOSE.serverError, error.code, error.message);
      });
      return;
    }
    if (!this.#identity)
      return this.#fail(
        CLOSE.invalidMessage,
        'invalid_message',
        'The first message must be hello.',
      );
    switch (message.type) {
      case 'push':
        return this.#queuePush(message);
      case 'pull':
        void this.#readableTables().then(
          (readable) => {
            this.#readable = readable;
            this.#cursor = message.since;
            this.#pump();
          },
          (e: unknown) => {
            const error = this.#failure("check this device's rights", e);
            this.#fail(CLOSE.serverError, error.code, error.message);
          },
        );
        return;
      case 'head':
        // Read from PostgreSQL, not this process's feed: another process may have committed last.
        void lastCommit(this.#context.pool).then(
          (head) => {
            this.#feed.poke();
            this.#send({ type: 'head', head });
          },
          (e: unknown) => {
            const error = this.#failure('read the log', e);
            this.#fail(CLOSE.serverError, error.code, error.message);
          },
        );
        return;
      case 'load':
        void this.#load(message);
        return;
    }
  }

  /**
   * What a device is told of an error it gets no refusal for: the server's own typed answers as
   * they are, anything else generic (docs/sync-protocol.md, "Errors"); the app's `onError` gets it
   * whole.
   */
  #failure(what: string, e: unknown): PandalchemyError {
    const error = failureForDevice(what, e);
    // A typed answer of the server's own (`forbidden`, `busy`) is no failure to log.
    if (error !== e || error.code === 'internal') this.#context.report(e);
    return error;
  }

  async #allowed(table: string, access: TableAccessKind): Promise<boolean> {
    const identity = this.#identity;
    if (!identity || !this.#context.tables.includes(table)) return false;
    try {
      return (await this.#context.authorize(identity, table, access)) === true;
    } catch (e) {
      // The app's check failed (its rights service down, say): `internal`, and no word of why.
      throw appCallbackFailed("check this device's rights", e);
    }
  }

  async #readableTables(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const t of this.#context.tables) if (await this.#allowed(t, 'read')) out.add(t);
    return out;
  }

  async #hello(m: HelloMessage): Promise<void> {
    await this.#context.ready;
    const identity = await identify(this.#context.authenticate, m.token, this.#request);
    if (this.#closed) return;
    clearTimeout(this.#helloTimer);
    if (!identity) {
      return this.#fail(
        CLOSE.unauthorized,
        'unauthorized',
        'The token was not accepted: connect with a valid bearer token in hello.',
      );
    }
    this.#identity = identity;
    const tables: TableAccess[] = [];
    for (const table of this.#context.tables) {
      tables.push({
        table,
        read: await this.#allowed(table, 'read'),
        write: await this.#allowed(table, 'write'),
        schema: await this.#allowed(table, 'schema'),
      });
    }
    this.#readable = new Set(tables.filter((t) => t.read).map((t) => t.table));
    const head = this.#feed.head;
    const { maxMessageBytes, maxPlanRows, maxPendingPushes } = this.#context.limits;
    this.#send({
      type: 'welcome',
      protocol: SYNC_PROTOCOL,
      device: identity.device,
      user: identity.user,
      head,
      tables,
      limits: { maxMessageBytes, maxPlanRows, maxPendingPushes },
    });
    this.#cursor = m.since ?? head;
    this.#unsubscribe = this.#feed.subscribe(() => this.#pump());
    this.#pump();
  }

  /** Sends the commits after the cursor, up to the feed's head; one pump at a time. */
  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pumpCommits()
      .catch(() => {
        // The log could not be read now: the next commit (or pull) pumps again.
      })
      .finally(() => {
        this.#pumping = false;
        if (this.#pumpAgain && !this.#closed) {
          this.#pumpAgain = false;
          this.#pump();
        }
      });
  }

  async #pumpCommits(): Promise<void> {
    while (!this.#closed && this.#cursor !== null && this.#cursor < this.#feed.head) {
      const from = this.#cursor;
      const commits = await this.#feed.read(from);
      // A pull moved the cursor meanwhile: start again from there.
      if (this.#cursor !== from) continue;
      if (!commits.length) return;
      for (const c of commits) {
        // Every commit once, in order, without a gap: one that does not follow is read again.
        if (c.seq !== this.#cursor + 1) break;
        const message = {
          type: 'commit',
          seq: c.seq,
          pushId: c.pushId,
          at: c.at,
          effects: c.effects.filter((e) => this.#readable.has(e.table)),
        };
        // Back-pressure: a device that reads slower than commits come holds at most about one
        // message's limit of them in this process (the rest wait in the log), however far behind.
        const wait = this.#ws.bufferedAmount >= this.#context.limits.maxMessageBytes;
        this.#cursor = c.seq;
        if (!wait) {
          this.#send(message);
          continue;
        }
        await new Promise<void>((resolve) => this.#send(message, () => resolve()));
        // A pull moved the cursor meanwhile: start again from there.
        if (this.#cursor !== c.seq) break;
      }
    }
  }

  #queuePush(m: PushMessage): void {
    if (this.#pending >= this.#context.limits.maxPendingPushes) {
      const busy = new PandalchemyError(
        'busy',
        `This connection has ${this.#pending} pushes waiting for their answer already: send this one again once some are answered.`,
      );
      return this.#send(failedAnswer(m.id, busy));
    }
    this.#pending++;
    this.#pushes = this.#pushes.then(async () => {
      const answer = await this.#push(m).catch((e: unknown) =>
        failedAnswer(m.id, this.#failure('finish this push', e)),
      );
      this.#pending--;
      this.#send(answer);
    });
  }

  async #push(m: PushMessage): Promise<PushAnswer> {
    const { pool, limits } = this.#context;
    const push: CheckedPush = {
      id: m.id.toLowerCase(),
      basis: m.basis,
      identity: this.#identity!,
      planHash: planHash(m.plan),
    };
    const answered = await recordedAnswer(pool, push);
    if (answered) return { ...answered, id: m.id };
    let plan: ExecutionPlan;
    try {
      plan = decodePlan(m.plan);
      const rows = plan.steps.reduce((n, s) => n + (isSchemaStep(s) ? 1 : s.count), 0);
      if (rows > limits.maxPlanRows) {
        throw new PandalchemyError(
          'too_large',
          `This plan holds ${rows} rows, more than this server takes in one push (${limits.maxPlanRows}). Nothing was written: push in smaller parts.`,
        );
      }
      await this.#checkAccess(plan);
    } catch (e) {
      // The app's authorize failing is not the plan's fault: answered `failed`, not recorded.
      if (!(e instanceof PandalchemyError) || e.code === 'internal') throw e;
      return { ...(await refusePush(pool, push, e)), id: m.id };
    }
    return { ...(await applyPush(pool, push, plan, this.#context.report)), id: m.id };
  }

  /**
   * Refuses a plan naming a table this identity may not write (or whose schema it may not
   * change), or a new foreign key to a table it may not read: such a key would tell, row by row,
   * which keys that table holds (an insert refused or not), and hold its rows in place.
   */
  async #checkAccess(plan: ExecutionPlan): Promise<void> {
    for (const step of plan.steps) {
      const parents = step.kind === 'createTable' ? (step.foreignKeys ?? []) : [];
      for (const fk of parents) {
        if (fk.references === step.table || (await this.#allowed(fk.references, 'read'))) continue;
        throw new PandalchemyError(
          'forbidden',
          `Table ${JSON.stringify(step.table)} may not reference table ${JSON.stringify(fk.references)}: this device may not read it, or the server does not sync it. Nothing was written.`,
          { table: step.table, step: step.kind },
        );
      }
      const access: TableAccessKind = isSchemaStep(step) ? 'schema' : 'write';
      if (await this.#allowed(step.table, access)) continue;
      const synced = this.#context.tables.includes(step.table);
      throw new PandalchemyError(
        'forbidden',
        synced
          ? `This device may not ${access === 'schema' ? 'change the schema of' : 'write to'} table ${JSON.stringify(step.table)}. Nothing was written.`
          : `Table ${JSON.stringify(step.table)} is not synced by this server. Nothing was written.`,
        { table: step.table, step: step.kind },
      );
    }
  }

  /**
   * Streams a table to the device (docs/sync-protocol.md, "Loading a table"). A load holds a pooled
   * connection for its snapshot while the socket takes its chunks, so a connection streams one load
   * at a time, the process at most `limits.maxLoads`, and a load whose chunk the socket does not
   * take within `limits.loadStallMs` ends the connection: a device that asks for loads and stops
   * reading cannot hold the pool that pushes need. Loads over a limit are answered `loadFailed`
   * (`busy`) at once.
   */
  async #load(m: LoadMessage): Promise<void> {
    const { limits, loads } = this.#context;
    if (this.#loading || loads.active >= limits.maxLoads) {
      const busy = new PandalchemyError(
        'busy',
        this.#loading
          ? 'This connection is loading a table already: ask for the next once it is loaded.'
          : 'The server is loading as many tables as it streams at once: ask again later.',
        { table: m.table },
      );
      return this.#send({ type: 'loadFailed', id: m.id, error: busy.toJSON() });
    }
    this.#loading = true;
    loads.active++;
    try {
      await this.#stream(m);
    } finally {
      this.#loading = false;
      loads.active--;
    }
  }

  /** Sends `message`; resolves once the socket took it, and gives up on a device not reading. */
  #flushed(message: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const stalled = setTimeout(() => {
        reject(new PandalchemyError('busy', 'The device did not read the load in time.'));
        // Its socket is full: nothing more can reach it. The device connects again.
        this.#ws.terminate();
        this.#close();
      }, this.#context.limits.loadStallMs);
      this.#send(message, (e) => {
        clearTimeout(stalled);
        if (e) reject(e);
        else resolve();
      });
    });
  }

  async #stream(m: LoadMessage): Promise<void> {
    const flushed = (message: unknown): Promise<void> => this.#flushed(message);
    try {
      if (!(await this.#allowed(m.table, 'read'))) {
        throw new PandalchemyError(
          'forbidden',
          `This device may not read table ${JSON.stringify(m.table)}, or the server does not sync it.`,
          { table: m.table },
        );
      }
      let total = 0;
      let asOf = 0;
      const rows = await loadTable(
        this.#context.pool,
        m.table,
        this.#context.limits.loadChunkRows,
        {
          table: (at, schema, count) => {
            total = count;
            asOf = at;
            return flushed({
              type: 'table',
              id: m.id,
              table: m.table,
              asOf,
              total,
              columns: schema.columns,
              key: schema.key.columns,
            });
          },
          rows: (values, done) => flushed({ type: 'rows', id: m.id, values, done, total }),
        },
      );
      this.#send({ type: 'loaded', id: m.id, asOf, rows });
    } catch (e) {
      const error = this.#failure('load the table', e);
      this.#send({ type: 'loadFailed', id: m.id, error: error.toJSON() });
    }
  }
}
