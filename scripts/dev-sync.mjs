#!/usr/bin/env node
// `npm run dev:sync`: the playground's dev server and a sync server for it, in one process.
//
// The sync server (pandalchemy/server) runs over embedded PGlite in `.sync-data/` (kept between
// runs; delete the folder to start again), with the sample tables created and filled on first
// use (scripts/sync-demo/). Vite loads that TypeScript for Node (`ssrLoadModule`), so nothing is
// built first. Ports: the sync server takes 8787 (or any free port if that is taken), Vite 5173
// (or the next free one). Ctrl-C stops both.
import { fileURLToPath, URLSearchParams } from 'node:url';
import { createServer } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = fileURLToPath(new URL('../.sync-data/', import.meta.url));
const TOKEN = 'demo';

const vite = await createServer({
  root: ROOT,
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
});
/** @type {import('./sync-demo/sample-sync-server.ts')} */
const { startSampleSyncServer } = await vite.ssrLoadModule(
  '/scripts/sync-demo/sample-sync-server.ts',
);
const start = (port) =>
  startSampleSyncServer({
    data: DATA,
    port,
    tokens: { [TOKEN]: { user: 'demo', device: 'playground' } },
  });
let sync;
try {
  sync = await start(8787);
} catch (e) {
  if (e?.code !== 'EADDRINUSE') throw e;
  sync = await start(0);
}
await vite.listen();

const page = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
const link = `${page}?${new URLSearchParams({ sync: sync.url, token: TOKEN })}`;
process.stdout.write(
  [
    '',
    `  sync server   ${sync.url} (PGlite in ${DATA}; tables ${sync.tables.join(', ')}; token "${TOKEN}")`,
    `  playground    ${page}`,
    '',
    `  Open this in two browsers (or a normal and a private window), edit, push, go offline:`,
    `  ${link}`,
    '',
    '  Ctrl-C stops both.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  Promise.allSettled([sync.close(), vite.close()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
