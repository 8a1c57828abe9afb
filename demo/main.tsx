import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { databaseName } from './database-name';
import { Playground } from './playground';
import './playground.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const pg = new Playground(databaseName());
createRoot(root).render(
  <StrictMode>
    <App pg={pg} />
  </StrictMode>,
);
void pg.open();
window.addEventListener('pagehide', () => void pg.close());
