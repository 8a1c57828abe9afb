import type { PandalchemyError } from '../errors/pandalchemy-error';
import type { RebaseConflict } from '../table/rebase';

/** `openDatabase(name, { sync })`: share the database with other devices through a sync server. */
export interface SyncOptions {
  /** The sync server's WebSocket URL (`wss://…/sync`; `ws://` on loopback only). */
  readonly url: string;
  /** The device's bearer token: sent in the first message, never in the URL. */
  readonly token: string;
  /**
   * The tables to sync (default: every table the server lets this device read). Pushes that
   * write none of them stay local.
   */
  readonly tables?: readonly string[];
}

/** Where sync stands (`db.syncStatus`, and the `sync` event). */
export interface SyncStatus {
  /**
   * `offline`: not connected (no network, server down, paused); `syncing`: connected, sending
   * the outbox or taking in the server's commits; `online`: connected, nothing left to do.
   */
  readonly state: 'offline' | 'syncing' | 'online';
  /** Local pushes the server has not answered for good yet. */
  readonly outbox: number;
  /** The last server commit taken in (null before the first). */
  readonly serverSeq: number | null;
  /** A table being loaded from the server, and how far (rows). */
  readonly loading: {
    readonly table: string;
    readonly done: number;
    readonly total: number;
  } | null;
  /**
   * Why the last connection failed or closed, while offline; online, why a synced table could
   * not be loaded (the server does not have it, or does not let this device read it).
   */
  readonly error: PandalchemyError | null;
}

/** A local push the server refused (the `refused` event). */
export interface RefusedPush {
  readonly pushId: string;
  /** The server's typed error: `conflict`, `constraint`, `forbidden`, … */
  readonly error: PandalchemyError;
  /**
   * The refused edits, back in their tables as pending edits, that the server's rows contest, in
   * the shape `refresh()` reports (`kept` false: the edit could not be returned, e.g. its row is
   * gone).
   */
  readonly conflicts: readonly RebaseConflict[];
  /** Tables that got pending edits back. */
  readonly tables: readonly string[];
}
