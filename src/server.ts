/**
 * `pandalchemy/server`: the sync server (Node only). Devices connect over WebSocket, push their
 * plans, and receive every commit of the tables they may read; PostgreSQL orders the commits and
 * keeps the log, so several server processes can serve devices over one database. The protocol
 * is docs/sync-protocol.md.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSyncServer } from 'pandalchemy/server';
 *
 * const sync = createSyncServer({
 *   pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }),
 *   authenticate: { [process.env.DEVICE_TOKEN!]: { user: 'ada', device: 'laptop' } },
 *   tables: ['todos'],
 * });
 * sync.attach(httpServer); // or: await sync.listen({ port: 8787 })
 * ```
 */
export {
  createSyncServer,
  type ListeningSyncServer,
  type SyncServer,
  type SyncServerOptions,
} from './server/sync-server';
export type { SyncLimits } from './server/sync-server-context';
export type { Authenticate, Authorize, SyncIdentity, TableAccessKind } from './server/authenticate';
export type { SyncNotification, SyncPool, SyncPoolClient } from './server/sync-pool';
export { SYNC_PROTOCOL, type TableAccess, type PushAnswer } from './server/sync-messages';
export { PandalchemyError, isPandalchemyError } from './errors/pandalchemy-error';
export type { ErrorCode } from './errors/error-code';
