import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('fixture', import.meta.url));

/** What `npm pack` made: the tarball and its sizes as npm reports them. */
export interface Packed {
  readonly tarball: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly string[];
}

/** Packs the library as `npm publish` would (prepack builds it) into a fresh directory. */
export async function pack(): Promise<Packed> {
  const dir = await mkdtemp(join(tmpdir(), 'pandalchemy-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  // prepack's own output comes first: the JSON report is the last thing npm prints.
  const [report] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  return {
    tarball: join(dir, report!.filename),
    size: report!.size,
    unpackedSize: report!.unpackedSize,
    files: report!.files.map((f) => f.path),
  };
}

/**
 * The fixture app copied to a fresh directory, and the tarball installed into it together with
 * the app's own bundlers, from this machine's npm registry, with no overrides: as an app does.
 */
export async function installApp(tarball: string): Promise<string> {
  const app = await mkdtemp(join(tmpdir(), 'pandalchemy-app-'));
  await cp(FIXTURE, app, { recursive: true });
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
    cwd: app,
    maxBuffer: 64 * 1024 * 1024,
  });
  return app;
}

/** Runs a binary the app installed (`node_modules/.bin/<name>`) in the app's directory. */
export async function appBin(
  app: string,
  name: string,
  args: readonly string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(app, 'node_modules/.bin', name), args, {
      cwd: app,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** Runs a binary of this repository (publint, attw) on a file. */
export async function repoBin(
  name: string,
  args: readonly string[],
): Promise<{ code: number; output: string }> {
  return appBin(ROOT, name, args);
}

/** Loads a module the app installed (its webpack, its esbuild), as the app would import it. */
export async function appImport<T>(app: string, specifier: string): Promise<T> {
  const pkg = JSON.parse(
    await readFile(join(app, 'node_modules', specifier, 'package.json'), 'utf8'),
  ) as { main?: string; exports?: unknown };
  const main = pkg.main ?? 'index.js';
  return (await import(join(app, 'node_modules', specifier, main))) as T;
}

/** Starts the app's Vite dev server on a free port and resolves with its URL once it listens. */
export function viteDev(app: string): Promise<{ url: string; server: ChildProcess }> {
  const server = spawn(
    join(app, 'node_modules/.bin/vite'),
    ['--host', '127.0.0.1', '--port', '0', '--strictPort', 'false'],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Vite did not start:\n${output}`)), 60_000);
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // eslint-disable-next-line no-control-regex
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output.replace(/\u001b\[[0-9;]*m/g, ''));
      if (url) {
        clearTimeout(timer);
        resolve({ url: url[1]!, server });
      }
    });
    server.on('exit', (code) => reject(new Error(`Vite exited (${code}):\n${output}`)));
  });
}
