import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A PostgreSQL server of its own for a test run, on loopback, in a temporary folder. */
export interface PostgresCluster {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: trust authentication, loopback only. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its folder. Safe to call more than once. */
  stop(): void;
}

/**
 * The folder holding `initdb` and `pg_ctl`: `$PG_BIN`, else the newest of Debian's
 * `/usr/lib/postgresql/<version>/bin` (not on PATH there), else a folder on PATH.
 */
export function findPostgresBin(): string {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv) return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: apt-get install ' +
      'postgresql; .ci/run does) or set PG_BIN to the folder holding them.',
  );
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * PostgreSQL refuses to run as root: as root, its commands run as the `postgres` OS user (which
 * Debian's package creates), and the folder is handed to that user.
 */
function runAs(): { prefix: string[]; chownTo: string | null } {
  if (process.getuid?.() !== 0) return { prefix: [], chownTo: null };
  const user = process.env['PG_OS_USER'] ?? 'postgres';
  return { prefix: ['runuser', '-u', user, '--'], chownTo: user };
}

/**
 * Starts a throwaway cluster: `initdb` into a new temporary folder, then `pg_ctl start` on a free
 * loopback port with its unix socket in that folder, durability off (`fsync=off`: tests never need
 * to survive a crash). It is stopped and the folder removed by `stop()`, and also when the process
 * exits or is interrupted, so nothing is left behind.
 *
 * @example
 * ```ts
 * const cluster = await startPostgresCluster();
 * const client = new pg.Client(cluster.url);
 * // ...
 * cluster.stop();
 * ```
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const { prefix, chownTo } = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'pandalchemy-pg-'));
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]): string => {
    const [cmd, ...rest] = [...prefix, join(bin, tool), ...args];
    return execFileSync(cmd!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      if (existsSync(join(data, 'postmaster.pid')))
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already gone (killed with the process group): the folder is removed all the same.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    process.kill(process.pid, signal);
  };
  process.on('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (chownTo) {
      chmodSync(dir, 0o700);
      execFileSync('chown', [`${chownTo}:`, dir]);
    }
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
    return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, stop };
  } catch (e) {
    const detail = (e as { stderr?: string }).stderr ?? '';
    stop();
    throw new Error(`Could not start a PostgreSQL cluster with ${bin}: ${String(e)}\n${detail}`, {
      cause: e,
    });
  }
}
