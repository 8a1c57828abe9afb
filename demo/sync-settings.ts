import type { SyncOptions } from '../src/index';

/** Where the Sync dialog keeps the server to connect to, in this browser. */
export const SYNC_STORAGE_KEY = 'pandalchemy-playground-sync';

/**
 * The sync server the playground connects to, if any: `?sync=<ws url>&token=<token>` (and
 * optionally `&tables=a,b`) in the address — what `npm run dev:sync` prints, so that a link opens
 * a synced playground — else what the Sync dialog saved in this browser, else null.
 *
 * @example
 * ```ts
 * syncSettings('?sync=ws://127.0.0.1:8787/sync&token=demo'); // { url: 'ws://…', token: 'demo' }
 * ```
 */
export function syncSettings(
  search: string = location.search,
  storage: Pick<Storage, 'getItem'> | null = localStorageOrNull(),
): SyncOptions | null {
  const params = new URLSearchParams(search);
  const url = params.get('sync');
  if (url) return settingsOf(url, params.get('token') ?? '', params.get('tables') ?? '');
  const saved = storage?.getItem(SYNC_STORAGE_KEY);
  if (!saved) return null;
  try {
    const s = JSON.parse(saved) as { url?: unknown; token?: unknown; tables?: unknown };
    return settingsOf(String(s.url ?? ''), String(s.token ?? ''), String(s.tables ?? ''));
  } catch {
    return null;
  }
}

/** Saves the server to connect to (null: stop syncing) for the next visits of this browser. */
export function saveSyncSettings(settings: SyncOptions | null): void {
  const storage = localStorageOrNull();
  if (!storage) return;
  if (settings === null) storage.removeItem(SYNC_STORAGE_KEY);
  else
    storage.setItem(
      SYNC_STORAGE_KEY,
      JSON.stringify({ ...settings, tables: (settings.tables ?? []).join(',') }),
    );
}

/** The database a synced playground opens by default: not the local sample's. */
export const SYNCED_DATABASE = 'playground-sync';

function settingsOf(url: string, token: string, tables: string): SyncOptions | null {
  if (!/^wss?:\/\//.test(url) || token === '') return null;
  const names = tables
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return names.length ? { url, token, tables: names } : { url, token };
}

function localStorageOrNull(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
