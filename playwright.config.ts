import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/chromium.ts';

/** A free port chosen at run time, so that two runs on one machine do not collide. */
function freePort(): string {
  return execFileSync(process.execPath, [
    '-e',
    "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });",
  ])
    .toString()
    .trim();
}

// Playwright loads this file again in each worker process: the ports travel to them in the
// environment.
process.env['E2E_PORT'] ??= freePort();
process.env['E2E_DEV_PORT'] ??= freePort();
const BUILD = `http://127.0.0.1:${process.env['E2E_PORT']}`;
const DEV = `http://127.0.0.1:${process.env['E2E_DEV_PORT']}`;

// End-to-end tests run against the production build of the playground, as users get it, and the
// core flow also against the dev server (`npm run dev`: React's StrictMode runs effects twice
// there, which the production build never does). `npm run test:e2e:dev` runs every spec against
// the dev server (E2E_DEV_ALL): about as long again as the whole suite, so not in `npm test`.
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // Two at a time: a spec spends most of its time waiting on workers, storage and rendering.
  workers: 2,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [
    { name: 'build', use: { browserName: 'chromium', baseURL: BUILD } },
    {
      name: 'dev',
      ...(process.env['E2E_DEV_ALL'] ? {} : { testMatch: 'core-flow.spec.ts' }),
      use: { browserName: 'chromium', baseURL: DEV },
    },
  ],
  webServer: [
    {
      // `--mode e2e`: the build with the test harness page, in dist-e2e (see vite.config.ts).
      command: `npx vite build --mode e2e && npx vite preview --mode e2e --host 127.0.0.1 --port ${process.env['E2E_PORT']} --strictPort`,
      url: BUILD,
      timeout: 180_000,
      reuseExistingServer: false,
    },
    {
      command: `npx vite --host 127.0.0.1 --port ${process.env['E2E_DEV_PORT']} --strictPort`,
      url: DEV,
      timeout: 180_000,
      reuseExistingServer: false,
    },
  ],
});
