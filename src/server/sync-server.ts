import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { defaultAuthorize, type Authenticate, type Authorize } from './authenticate';
import { CommitFeed } from './commit-feed';
import { createCommitLog } from './commit-log';
import { SyncConnection } from './sync-connection';
import type { SyncPool } from './sync-pool';
import { DEFAULT_LIMITS, type SyncLimits, type SyncServerContext } from './sync-server-context';

/** Options of {@link createSyncServer}. */
export interface SyncServerOptions {
  /** The PostgreSQL database devices share: a node-postgres `Pool`. */
  readonly pool: SyncPool;
  /** A map from bearer token to `{ user, device }`, or a function (the app's own auth). */
  readonly authenticate: Authenticate;
  /** Whether an identity may read, write or change the schema of a table (default: read and write). */
  readonly authorize?: Authorize;
  /** The tables devices sync. No other table is ever read or written for a device. */
  readonly tables: readonly string[];
  readonly limits?: Partial<SyncLimits>;
  /** The URL path devices connect to (default `/sync`). */
  readonly path?: string;
  /**
   * Told every error a device got a generic answer for (PostgreSQL down, the app's `authorize`
   * threw) and every PostgreSQL refusal, with PostgreSQL's own words (`detail`, `cause`): devices
   * are never sent them, so this is where the app logs them. Default: nothing.
   */
  readonly onError?: (error: unknown) => void;
}

/** A sync server listening on a port of its own ({@link SyncServer.listen}). */
export interface ListeningSyncServer {
  /** `ws://host:port/path`. */
  readonly url: string;
  readonly port: number;
  /** Closes the connections, the HTTP server and the feed. */
  close(): Promise<void>;
}

/**
 * A sync server: mount it on the app's Node HTTP server (`attach`), or hand it upgrade requests
 * (`handleUpgrade`), or let it listen on a port of its own (`listen`).
 */
export interface SyncServer {
  /** Resolves once the commit log's tables exist and the server listens for commits. */
  readonly ready: Promise<void>;
  /** Takes WebSocket upgrades for `path` on `server` (and leaves other upgrades alone). */
  attach(server: Server): void;
  /** Takes one WebSocket upgrade request (for apps that route upgrades themselves). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** An HTTP server of its own on `port` (0: any free port) and `host` (default 127.0.0.1). */
  listen(options?: { port?: number; host?: string }): Promise<ListeningSyncServer>;
  /** Closes every connection (code 1001) and stops listening for commits. */
  close(): Promise<void>;
}

function checkOptions(options: SyncServerOptions): SyncLimits {
  const bad = (what: string): never => {
    throw new PandalchemyError('invalid_argument', `createSyncServer: ${what}.`);
  };
  if (!options.pool || typeof options.pool.connect !== 'function')
    bad('pool must be a node-postgres Pool');
  const auth = options.authenticate as unknown;
  if (typeof auth !== 'function' && (typeof auth !== 'object' || auth === null))
    bad('authenticate must be a map from token to { user, device }, or a function');
  if (!Array.isArray(options.tables) || !options.tables.length)
    bad('tables must list the tables devices sync');
  for (const t of options.tables) {
    if (typeof t !== 'string' || !t || t.startsWith('pandalchemy_'))
      bad(`${JSON.stringify(t)} cannot be a synced table (pandalchemy_ names the log's own)`);
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      bad(`limits.${name} must be a positive integer`);
  }
  return limits;
}

/**
 * Creates a sync server (docs/sync-protocol.md) over one PostgreSQL database: devices connect over
 * WebSocket, authenticate with a bearer token, push plans (each applied in one transaction with
 * its guards, numbered, recorded, never applied twice) and receive every commit of the tables they
 * may read, in order. It keeps no state of its own: run as many processes as you like over one
 * database. Creates its log tables (`pandalchemy_commits`, `pandalchemy_pushes`) when missing.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSyncServer } from 'pandalchemy/server';
 *
 * const sync = createSyncServer({
 *   pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }),
 *   authenticate: { 'secret-token': { user: 'ada', device: 'laptop' } },
 *   tables: ['todos'],
 * });
 * const { url } = await sync.listen({ port: 8787 });
 * ```
 */
export function createSyncServer(options: SyncServerOptions): SyncServer {
  const limits = checkOptions(options);
  const path = options.path ?? '/sync';
  const feed = new CommitFeed(options.pool);
  const ready = createCommitLog(options.pool).then(() => feed.start());
  // A server that cannot reach PostgreSQL refuses sessions (hello fails); not an unhandled rejection.
  ready.catch(() => undefined);
  const context: SyncServerContext = {
    pool: options.pool,
    authenticate: options.authenticate,
    authorize: options.authorize ?? defaultAuthorize,
    tables: [...options.tables],
    limits,
    feed,
    ready,
    loads: { active: 0 },
    report: (error) => {
      try {
        options.onError?.(error);
      } catch {
        // The app's logger failing does not change what the device is answered.
      }
    },
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    new SyncConnection(ws, request, context);
  });
  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, limits.pingIntervalMs);
  ping.unref();

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  const servers = new Set<Server>();
  /**
   * `own`: the server is the sync server's alone (`listen()`), so an upgrade for another path is
   * answered 404 and its socket closed; on the app's server it is left to the app's own handlers.
   * Left unanswered, such a socket stayed open, and held `close()` until it timed out.
   */
  const attach = (server: Server, own = false): void => {
    servers.add(server);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === path) handleUpgrade(request, socket, head);
      else if (own)
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  };
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      clearInterval(ping);
      for (const ws of wss.clients) ws.close(1001, 'server closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await ready.catch(() => undefined);
      feed.close();
    })());

  return {
    ready,
    attach: (server: Server) => attach(server),
    handleUpgrade,
    close,
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      const http = createServer((_request, response) => {
        response.writeHead(426, { 'content-type': 'text/plain' });
        response.end(`pandalchemy sync server: connect with a WebSocket to ${path}\n`);
      });
      attach(http, true);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => resolve());
      });
      await ready;
      const address = http.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return {
        url: `ws://${host}:${bound}${path}`,
        port: bound,
        async close() {
          await close();
          http.closeAllConnections();
          await new Promise<void>((resolve) => http.close(() => resolve()));
        },
      };
    },
  };
}
