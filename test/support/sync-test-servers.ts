/**
 * Sync servers a test may stop and start (the `sync` project's browser commands
 * `startSyncServer` and `restartSyncServer`, see vite.config.ts). The global setup and the
 * commands run in the same Node process but load their modules apart: they meet on globalThis.
 */
export const SYNC_TEST_SERVERS = '__pandalchemySyncTestServers';

export interface SyncTestServers {
  /** A new server over the run's database, on a port of its own; resolves with its URL. */
  start(): Promise<string>;
  /** Closes the server at `url` (every connection dropped) and starts it again on its port. */
  restart(url: string): Promise<void>;
}

export function syncTestServers(): SyncTestServers {
  const servers = (globalThis as { [SYNC_TEST_SERVERS]?: SyncTestServers })[SYNC_TEST_SERVERS];
  if (!servers) throw new Error('the sync project global setup has not started');
  return servers;
}
