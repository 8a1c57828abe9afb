import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { glideStrictModeFix } from './demo/vite/glide-strict-mode-fix.ts';
import { chromiumLaunchOptions } from './test/chromium.ts';
import { syncTestServers } from './test/support/sync-test-servers.ts';
import { bundledEngineWorker } from './test/support/vite/bundled-engine-worker.ts';

// One config serves the playground (dev server and production build) and the two test projects:
// pure logic in Node, and everything that needs a Worker, IndexedDB or the DOM in real Chromium.
// `--mode e2e` builds what the end-to-end tests run against: the playground plus a bare page they
// drive the library from (e2e/harness), into its own folder, so that dist-demo ships no test page.
export default defineConfig(({ mode }) => ({
  // Vitest's browser servers only: each database's worker is one bundled module (see the plugin).
  plugins: process.env['VITEST'] ? [bundledEngineWorker()] : [],
  // sql.js is only imported from the worker: without pre-bundling, a cold cache discovers it late
  // and Vite reloads the page in the middle of a browser test.
  optimizeDeps: {
    include: [
      'sql.js',
      'comlink',
      'idb',
      'arquero',
      'fast-check',
      // The benchmarks' peers (bench/peers), imported by the bench page and its smoke test.
      'tinybase',
      'tinybase/persisters/persister-indexed-db',
      // The playground's. With two browser test projects, one of them found these late (it
      // crawled the playground's page) and Vite reloaded the other's page mid-run, failing tests.
      'react',
      'react/jsx-dev-runtime',
      'react-dom/client',
      '@glideapps/glide-data-grid',
    ],
    // It finds its wasm beside its own module, which pre-bundling would move (its README says so).
    exclude: ['@sqlite.org/sqlite-wasm'],
    // The grid's accessibility tree under StrictMode (see the plugin).
    rolldownOptions: { plugins: [glideStrictModeFix()] },
  },
  worker: { format: 'es' },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist-demo',
    target: 'es2022',
    // The playground's one chunk holds React, Glide Data Grid and Arquero (~250 kB gzipped);
    // splitting it would not load anything later.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        // For the end-to-end tests only: a bare page that drives the library in several tabs.
        ...(mode === 'e2e'
          ? { tabs: fileURLToPath(new URL('e2e/harness/tabs.html', import.meta.url)) }
          : {}),
      },
      output: {
        // Glide Data Grid loads its cell editors with import(): split into chunks of their own,
        // they are fetched at the first edit, which fails once the browser is offline (and the
        // page goes blank). Kept in one chunk with the grid, they load with the page.
        codeSplitting: {
          groups: [{ name: 'data-grid', test: /[\\/]@glideapps[\\/]glide-data-grid[\\/]/ }],
        },
      },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/**/*.browser.test.ts',
            'test/**/*.postgres.test.ts',
            'test/**/*.sync.test.ts',
          ],
          environment: 'node',
          // The property tests take 10-30 s on a quiet machine; with the browser and consumer
          // projects beside them on two busy cores one took 81 s.
          testTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Against a real PostgreSQL server: the global setup starts a throwaway cluster.
          name: 'postgres',
          include: ['test/**/*.postgres.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/postgres-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Tests marked concurrent (bad input: a database per case) run three at a time.
          maxConcurrency: 3,
        },
      },
      {
        // The packed tarball installed into fresh apps, built by each bundler and run in Chromium
        // (test/consumers). Mostly waiting on npm, bundlers and browsers: it runs beside the
        // others.
        test: {
          name: 'consumers',
          include: ['test/consumers/*.consumer.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          // Devices in Chromium (real worker, real IndexedDB) against a real sync server over a
          // throwaway PostgreSQL cluster, both started by the global setup.
          name: 'sync',
          include: ['test/**/*.sync.test.ts'],
          globalSetup: ['test/support/sync-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            commands: {
              startSyncServer: () => syncTestServers().start(),
              restartSyncServer: (_context, url: string) => syncTestServers().restart(url),
            },
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Tests marked concurrent (bad input: a database per case) run three at a time.
          maxConcurrency: 3,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
          },
        },
      },
    ],
  },
}));
