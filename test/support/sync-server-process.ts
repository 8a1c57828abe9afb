import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ENTRY = fileURLToPath(new URL('./server/sync-server-process.ts', import.meta.url));
/** Inside the repository, so that `node` finds pg and ws in its node_modules. */
const OUT_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/pandalchemy-sync/', import.meta.url),
);
const OUT = `${OUT_DIR}sync-server-process-${process.pid}.mjs`;

let bundled: Promise<string> | null = null;

/** The server entry as one ES module Node runs as it is (Node 20 does not strip TypeScript). */
export function bundleServerProcess(): Promise<string> {
  bundled ??= (async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    await build({
      input: ENTRY,
      platform: 'node',
      external: [/^node:/, 'pg', 'ws'],
      output: { file: OUT, format: 'es' },
      logLevel: 'warn',
    });
    return OUT;
  })();
  return bundled;
}

/** Removes the bundle (vitest's workers end without an `exit` event to do it on). */
export function removeServerBundle(): void {
  rmSync(OUT, { force: true });
  bundled = null;
}

/** A sync server running in a child process. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Kills it at once (SIGKILL: no cleanup, as a crash) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts a sync server process over `databaseUrl`; resolves once it listens. */
export async function startServerProcess(env: {
  databaseUrl: string;
  tokens: Record<string, { user: string; device: string }>;
  tables: readonly string[];
  commitDelayMs?: number;
}): Promise<ServerProcess> {
  const file = await bundleServerProcess();
  const child = spawn(process.execPath, [file], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      SYNC_TOKENS: JSON.stringify(env.tokens),
      SYNC_TABLES: JSON.stringify(env.tables),
      SYNC_COMMIT_DELAY_MS: String(env.commitDelayMs ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`the server process exited: ${stderr}`)));
  });
  return {
    url,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
