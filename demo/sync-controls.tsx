import { useSyncExternalStore } from 'react';
import type { PlaygroundSync } from './playground-sync';
import { SyncSettingsButton } from './sync-dialog';

/**
 * Sync, a row of the top bar: the state (online, syncing, offline: why, in its tooltip), pushes
 * waiting in the outbox, a first load's progress, Sync now, Pause / Resume, and the Sync dialog.
 */
export function SyncControls({ sync }: { readonly sync: PlaygroundSync }) {
  useSyncExternalStore(sync.subscribe, sync.version);
  const s = sync.status;
  const why = s.error ? `${s.error.code}: ${s.error.message}` : null;
  const state = sync.paused ? 'offline (paused)' : s.state;
  return (
    <div className="sync-controls" role="group" aria-label="Sync">
      <span
        className={`sync-state ${s.state}`}
        role="status"
        aria-label="Sync status"
        title={why ? `${state} — ${why}` : `${state}: ${sync.options.url}`}
      >
        {state}
        {/* Why, when it says more than "offline": unauthorized, forbidden, … */}
        {s.error && s.error.code !== 'offline' ? ` (${s.error.code})` : ''}
      </span>
      {s.outbox ? (
        <span className="sync-outbox" data-testid="sync-outbox">
          {s.outbox.toLocaleString('en')} {s.outbox === 1 ? 'push' : 'pushes'} waiting to sync
        </span>
      ) : null}
      {s.loading ? (
        <label className="sync-loading">
          Loading {s.loading.table} from the server
          <progress
            aria-label={`Loading ${s.loading.table} from the server`}
            max={s.loading.total || 1}
            value={s.loading.done}
          />
        </label>
      ) : null}
      <button
        type="button"
        onClick={() => void sync.syncNow()}
        disabled={sync.paused || sync.syncing}
        title="Send the waiting pushes and take in the server's commits now"
      >
        {sync.syncing ? 'Syncing…' : 'Sync now'}
      </button>
      <button
        type="button"
        onClick={() => (sync.paused ? sync.resume() : sync.pause())}
        title={
          sync.paused
            ? 'Connect to the sync server again'
            : 'Work offline on purpose: pushes wait in the outbox'
        }
      >
        {sync.paused ? 'Resume sync' : 'Pause sync'}
      </button>
      <SyncSettingsButton current={sync.options} />
      <span className="sync-server">
        with <code>{sync.options.url}</code>
      </span>
    </div>
  );
}
