import { defineConfig } from 'vitest/config';

// The consumer tests (npm run test:consumers): pack the library, install the tarball into an app,
// build it with each bundler and run it in Chromium. Node only; one file, run alone.
export default defineConfig({
  test: {
    include: ['test/consumers/*.consumer.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
