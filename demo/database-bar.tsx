import { useEffect, useState } from 'react';
import { LARGE_TABLE_SIZES } from './large-table';
import type { Playground } from './playground';
import { SyncControls } from './sync-controls';
import { SyncSettingsButton } from './sync-dialog';

/** The database-wide actions: generate a large table, import, download, reset. */
export function DatabaseBar({ pg }: { readonly pg: Playground }) {
  const [rows, setRows] = useState<number>(LARGE_TABLE_SIZES[0]);
  const [confirmReset, setConfirmReset] = useState(false);
  const disabled = pg.status !== 'ready' || pg.busy !== null;
  // A synced database's tables are the server's: replacing them here would only confuse sync.
  const replaceable = disabled || pg.sync !== null;
  const notSynced = pg.sync ? 'Not while syncing: the tables are the sync server’s' : undefined;

  // Reset asks for a second click; the question goes away by itself.
  useEffect(() => {
    if (!confirmReset) return;
    const t = setTimeout(() => setConfirmReset(false), 5000);
    return () => clearTimeout(t);
  }, [confirmReset]);

  return (
    <header className="topbar">
      <div className="brand">
        <h1>Pandalchemy playground</h1>
        <span className="db-name">
          database <code>{pg.databaseName}</code>
        </span>
      </div>
      <div className="db-actions" role="group" aria-label="Database">
        <label className="inline">
          Rows
          <select
            value={rows}
            onChange={(e) => setRows(Number(e.target.value))}
            disabled={disabled}
            aria-label="Rows to generate"
          >
            {LARGE_TABLE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString('en')}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void pg.generate(rows)} disabled={disabled}>
          Generate table
        </button>
        <label className={`button file-button${disabled ? ' disabled' : ''}`}>
          Import CSV…
          <input
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
            disabled={disabled}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void pg.previewCsv(file);
            }}
          />
        </label>
        <label
          className={`button file-button${replaceable ? ' disabled' : ''}`}
          title={notSynced ?? 'Replaces the whole database with an SQLite file (asks first)'}
        >
          Open .sqlite…
          <input
            type="file"
            accept=".sqlite,.sqlite3,.db,application/vnd.sqlite3"
            disabled={replaceable}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) pg.askOpenSqlite(file);
            }}
          />
        </label>
        <button type="button" onClick={() => void pg.download()} disabled={disabled}>
          Download .sqlite
        </button>
        {pg.sync ? null : <SyncSettingsButton current={null} />}
        <button
          type="button"
          className={confirmReset ? 'danger' : ''}
          disabled={replaceable}
          title={notSynced}
          onClick={() => {
            if (!confirmReset) return setConfirmReset(true);
            setConfirmReset(false);
            void pg.reset();
          }}
        >
          {confirmReset ? 'Click again to reset' : 'Reset'}
        </button>
      </div>
      {pg.sync ? <SyncControls sync={pg.sync} /> : null}
    </header>
  );
}
