import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { databaseName } from './database-name';
import { Playground } from './playground';
import { SYNCED_DATABASE, syncSettings } from './sync-settings';
import './playground.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const sync = syncSettings();
// A synced playground opens its own database by default: the server's tables, not the sample's.
const pg = new Playground(databaseName(location.search, sync ? SYNCED_DATABASE : 'playground'), {
  sync,
});
createRoot(root).render(
  <StrictMode>
    <App pg={pg} />
  </StrictMode>,
);
void pg.open();
window.addEventListener('pagehide', () => void pg.close());
