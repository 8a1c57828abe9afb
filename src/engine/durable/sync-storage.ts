import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { EngineContext } from '../engine-context';
import type { Storage } from '../storage';

/** Storage that keeps the sync outbox. */
export type SyncStorage = Storage & Required<Pick<Storage, 'readOutbox'>>;

/**
 * The engine's storage, when it keeps a sync outbox; otherwise sync cannot run, and this says so.
 *
 * @example
 * ```ts
 * const outbox = await syncStorage(ctx).readOutbox();
 * ```
 */
export function syncStorage(ctx: EngineContext): SyncStorage {
  const storage = ctx.log?.storage;
  if (!storage?.readOutbox) {
    throw new PandalchemyError(
      'invalid_argument',
      'Sync needs a persisted database: open it without `persist: false`.',
    );
  }
  return storage as SyncStorage;
}
