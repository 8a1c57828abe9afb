import type { ChildProcess } from 'node:child_process';
import { copyFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumLaunchOptions } from '../chromium';
import { appBin, appImport, installApp, pack, repoBin, viteDev, type Packed } from './consumer-app';
import { StaticServer, type ServerFault } from './static-server';

/**
 * The package as users get it: `npm pack` (prepack builds it), the tarball installed into a fresh
 * app from this machine's registry with no overrides, built by Vite (dev server and production
 * build), webpack 5 (production, minified) and esbuild (with the one setting the README gives),
 * each run in Chromium: open a database, create a table from CSV, edit, push, close, reopen,
 * read the value back. Also publint and attw on the tarball, and a strict TypeScript consumer
 * under moduleResolution bundler and NodeNext.
 */

interface FlowResult {
  readonly ok: boolean;
  readonly openMs?: number;
  readonly name?: string;
  readonly zip?: string;
  readonly code?: string;
  readonly message?: string;
}

let packed: Packed;
let app: string;
let browser: Browser;
const servers: StaticServer[] = [];
let dev: ChildProcess | undefined;

/** Opens `url` in a fresh browser context (its own storage and cache) and waits for the flow. */
async function runFlow(url: string): Promise<FlowResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}?db=consumer-${crypto.randomUUID()}`);
    const handle = await page.waitForFunction(
      () => (window as unknown as { pandalchemyResult?: FlowResult }).pandalchemyResult,
      null,
      { timeout: 120_000 },
    );
    return (await handle.jsonValue()) as FlowResult;
  } finally {
    await context.close();
  }
}

function expectWorks(result: FlowResult): void {
  expect(result, JSON.stringify(result)).toMatchObject({
    ok: true,
    name: 'Grace Hopper',
    zip: '01067',
  });
}

async function serve(dir: string): Promise<StaticServer> {
  const server = await StaticServer.start(join(app, dir));
  servers.push(server);
  return server;
}

/** Page loads of the Vite build, each timing a cold openDatabase (CONSUMER_OPEN_RUNS sets it). */
const OPEN_RUNS = Number(process.env['CONSUMER_OPEN_RUNS'] ?? 5);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

beforeAll(async () => {
  packed = await pack();
  app = await installApp(packed.tarball);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  dev?.kill();
  await Promise.all(servers.map((s) => s.close()));
  await browser?.close();
  // The app with its node_modules weighs ~150 MB: leave nothing behind.
  if (app) await rm(app, { recursive: true, force: true });
  if (packed) await rm(dirname(packed.tarball), { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('holds the library, the worker, the wasm and the types', () => {
    // Each entry point and its declarations, and the chunks the entries share (named with a hash),
    // nothing else.
    const chunks = [...packed.files].filter((f) => /^dist\/[\w-]+-[\w-]{8}\.js$/.test(f));
    expect([...packed.files].filter((f) => !chunks.includes(f)).sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin/pandalchemy-server.js',
      'dist/pandalchemy-worker.js',
      'dist/pandalchemy.d.ts',
      'dist/pandalchemy.js',
      'dist/postgres.d.ts',
      'dist/postgres.js',
      'dist/server-cli.js',
      'dist/server.d.ts',
      'dist/server.js',
      'dist/sql-wasm.wasm',
      'package.json',
    ]);
    console.log(
      `package: ${packed.size} B packed, ${packed.unpackedSize} B unpacked (${packed.files.length} files)`,
    );
  });

  test('passes publint and attw (ES module only)', async () => {
    const lint = await repoBin('publint', [packed.tarball, '--strict']);
    expect(lint.code, lint.output).toBe(0);
    const types = await repoBin('attw', [
      packed.tarball,
      '--profile',
      'esm-only',
      '--entrypoints',
      '.',
      './postgres',
      './server',
    ]);
    expect(types.code, types.output).toBe(0);
  });

  for (const resolution of ['bundler', 'nodenext']) {
    test(`types a strict consumer under moduleResolution ${resolution}`, async () => {
      const tsc = await appBin(app, 'tsc', ['-p', `tsconfig.${resolution}.json`]);
      // Errors inside arquero's and flechette's own declarations (skipLibCheck is off) are
      // theirs; none may come from pandalchemy's declarations or the consumer.
      const ours = tsc.output
        .split('\n')
        .filter((l) => /error TS/.test(l))
        .filter((l) => !/^node_modules\/(arquero|@uwdata\/flechette)\//.test(l));
      expect(ours, tsc.output).toEqual([]);
    });
  }
});

describe('an app that installed it', () => {
  test('works under the Vite dev server, with no configuration', async () => {
    const started = await viteDev(app);
    dev = started.server;
    expectWorks(await runFlow(started.url));
  });

  test('works in a Vite production build, with no configuration', async () => {
    const build = await appBin(app, 'vite', ['build', '--outDir', 'dist-vite']);
    expect(build.code, build.output).toBe(0);
    const server = await serve('dist-vite');
    const opens: number[] = [];
    for (let i = 0; i < OPEN_RUNS; i++) {
      const result = await runFlow(server.url);
      expectWorks(result);
      opens.push(result.openMs!);
    }
    // What the app ships for the library: its chunk (Arquero and the app's few lines included),
    // the worker and the wasm.
    const assets = join(app, 'dist-vite/assets');
    const sizes: string[] = [];
    let gzipped = 0;
    for (const file of await readdir(assets)) {
      const bytes = await readFile(join(assets, file));
      const gz = gzipSync(bytes).byteLength;
      gzipped += gz;
      sizes.push(`${file} ${(await stat(join(assets, file))).size} B (gzip ${gz} B)`);
    }
    console.log(`vite build: ${sizes.join(', ')}; gzip total ${gzipped} B`);
    console.log(
      `cold openDatabase in a fresh context: median ${median(opens).toFixed(0)} ms, range ${Math.min(...opens).toFixed(0)}-${Math.max(...opens).toFixed(0)} ms, n=${opens.length}`,
    );
  });

  for (const [fault, says] of [
    ['worker-404', 'The database worker (pandalchemy-worker.js'],
    ['worker-as-html', 'did not send it as JavaScript'],
    ['wasm-404', ': the server answered 404 Not Found'],
  ] as const) {
    test(`says what failed when the server answers ${fault}`, async () => {
      const server = await serve('dist-vite');
      server.fault = fault satisfies ServerFault;
      const result = await runFlow(server.url);
      expect(result, JSON.stringify(result)).toMatchObject({
        ok: false,
        code: 'worker_load_failed',
      });
      expect(result.message).toContain(says);
    });
  }

  test('works in a webpack 5 production build (minified), with no configuration', async () => {
    const { default: webpack } = await appImport<{
      default: (
        config: unknown,
        done: (err: Error | null, stats?: { hasErrors(): boolean; toString(): string }) => void,
      ) => void;
    }>(app, 'webpack');
    const { default: config } = (await import(join(app, 'webpack.config.js'))) as {
      default: unknown;
    };
    // `context`: where the app runs webpack from (its working directory).
    await new Promise<void>((resolve, reject) =>
      webpack({ ...(config as object), context: app }, (err, stats) =>
        err || stats?.hasErrors() ? reject(err ?? new Error(stats!.toString())) : resolve(),
      ),
    );
    await copyFile(join(app, 'pages/classic.html'), join(app, 'dist-webpack/index.html'));
    expectWorks(await runFlow((await serve('dist-webpack')).url));
  });

  test('works in an esbuild build with the setting in the README', async () => {
    const { default: esbuild } = await appImport<{
      default: { build(options: unknown): Promise<unknown> };
    }>(app, 'esbuild');
    const { default: options } = (await import(join(app, 'esbuild.config.js'))) as {
      default: Record<string, unknown>;
    };
    await esbuild.build({ ...options, absWorkingDir: app, logLevel: 'warning' });
    await copyFile(join(app, 'pages/module.html'), join(app, 'dist-esbuild/index.html'));
    expectWorks(await runFlow((await serve('dist-esbuild')).url));
  });
});
