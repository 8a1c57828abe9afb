import { useState } from 'react';
import type { SyncOptions } from '../src/index';
import { Field } from './field';
import { ModalDialog } from './modal-dialog';
import { saveSyncSettings, SYNC_STORAGE_KEY } from './sync-settings';

/**
 * Which sync server this browser's playground connects to (saved in localStorage; the page
 * reloads to open the database with it), or none. `npm run dev:sync` starts one and prints a
 * link that carries the same settings in its address.
 */
export function SyncDialog({
  current,
  onClose,
}: {
  readonly current: SyncOptions | null;
  readonly onClose: () => void;
}) {
  const [url, setUrl] = useState(current?.url ?? 'ws://127.0.0.1:8787/sync');
  const [token, setToken] = useState(current?.token ?? '');
  const [tables, setTables] = useState((current?.tables ?? []).join(', '));
  const valid = /^wss?:\/\/\S+$/.test(url.trim()) && token.trim() !== '';
  const fromAddress = new URLSearchParams(location.search).has('sync');

  /** Reloads without `?sync=…`, so that what is saved applies. */
  const reload = () => {
    const params = new URLSearchParams(location.search);
    for (const p of ['sync', 'token', 'tables']) params.delete(p);
    const search = params.toString();
    location.assign(`${location.pathname}${search ? `?${search}` : ''}`);
  };

  return (
    <ModalDialog title="Sync with a server" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          const names = tables
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean);
          saveSyncSettings({
            url: url.trim(),
            token: token.trim(),
            ...(names.length ? { tables: names } : {}),
          });
          reload();
        }}
      >
        <p className="hint">
          Edits are pushed here first (offline too) and sent to the server, which shares them with
          every device. <code>npm run dev:sync</code> starts one with the sample tables. Saved in
          this browser ({SYNC_STORAGE_KEY}); the page reloads.
          {fromAddress ? ' The address’s ?sync= settings are dropped.' : ''}
        </p>
        <Field label="Server URL">
          {(id) => <input id={id} value={url} onChange={(e) => setUrl(e.target.value)} required />}
        </Field>
        <Field label="Token" note="(the device's bearer token)">
          {(id) => (
            <input id={id} value={token} onChange={(e) => setToken(e.target.value)} required />
          )}
        </Field>
        <Field label="Tables" note="(comma-separated; empty: every table the server shares)">
          {(id) => <input id={id} value={tables} onChange={(e) => setTables(e.target.value)} />}
        </Field>
        <div className="button-row">
          {current ? (
            <button
              type="button"
              onClick={() => {
                saveSyncSettings(null);
                reload();
              }}
            >
              Stop syncing
            </button>
          ) : null}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!valid}>
            Connect
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** "Sync…": opens the dialog. */
export function SyncSettingsButton({ current }: { readonly current: SyncOptions | null }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        title="Share this playground's tables with other browsers through a sync server"
      >
        Sync…
      </button>
      {open ? <SyncDialog current={current} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
