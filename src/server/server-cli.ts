import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type { SyncIdentity } from './authenticate';
import { pglitePool, type PGliteDatabase } from './pglite-pool';
import type { SyncPool } from './sync-pool';
import { createSyncServer, type ListeningSyncServer } from './sync-server';

export const USAGE = `Usage: pandalchemy-server --tables todos,notes [options]

  --tables <a,b>          the tables devices sync (required)
  --data <folder>         keep the database in this folder, with embedded PGlite
                          (default ./pandalchemy-data; needs @electric-sql/pglite)
  --database-url <url>    use this PostgreSQL database instead (or DATABASE_URL; needs pg)
  --tokens <json|file>    bearer tokens: {"<token>": {"user": "ada", "device": "laptop"}},
                          as JSON text or a JSON file (or PANDALCHEMY_TOKENS)
  --allow-schema          let devices push schema steps (create, alter, drop tables)
  --port <n>              default 8787 (0: any free port)
  --host <name>           default 127.0.0.1
  --path <path>           the WebSocket path, default /sync
`;

/** What the command line asks for. */
export interface ServerCliOptions {
  readonly tables: string[];
  readonly data: string;
  readonly databaseUrl: string | null;
  readonly tokens: Record<string, SyncIdentity>;
  readonly allowSchema: boolean;
  readonly port: number;
  readonly host: string;
  readonly path: string;
}

function usageError(what: string): PandalchemyError {
  return new PandalchemyError('invalid_argument', `pandalchemy-server: ${what}.\n\n${USAGE}`);
}

/** The options of `argv` (without node and the script), with the environment's fallbacks. */
export function parseServerArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ServerCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tables: { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        tokens: { type: 'string' },
        'allow-schema': { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw usageError(e instanceof Error ? e.message : String(e));
  }
  const tables = (values.tables ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!tables.length) throw usageError('--tables is required');
  const tokenText = values.tokens ?? env['PANDALCHEMY_TOKENS'];
  if (!tokenText) throw usageError('--tokens (or PANDALCHEMY_TOKENS) is required');
  let tokens: unknown;
  try {
    const text = tokenText.trimStart().startsWith('{')
      ? tokenText
      : readFileSync(resolve(tokenText), 'utf8');
    tokens = JSON.parse(text);
  } catch (e) {
    throw usageError(`--tokens is neither JSON nor a JSON file (${String(e)})`);
  }
  if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens))
    throw usageError('--tokens must map each token to { "user": ..., "device": ... }');
  const port = Number(values.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError(`--port ${values.port} is not a port number`);
  return {
    tables,
    data: resolve(values.data ?? 'pandalchemy-data'),
    databaseUrl: values['database-url'] ?? env['DATABASE_URL'] ?? null,
    tokens: tokens as Record<string, SyncIdentity>,
    allowSchema: values['allow-schema'] ?? false,
    port,
    host: values.host ?? '127.0.0.1',
    path: values.path ?? '/sync',
  };
}

/** A running server and what to close when it stops. */
export interface RunningServer extends ListeningSyncServer {
  /** Where its rows are: the PGlite folder or the PostgreSQL URL (password hidden). */
  readonly database: string;
}

async function openPool(options: ServerCliOptions): Promise<{
  pool: SyncPool;
  database: string;
  end: () => Promise<void>;
}> {
  if (options.databaseUrl) {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: options.databaseUrl });
    const shown = new URL(options.databaseUrl);
    if (shown.password) shown.password = '***';
    return { pool, database: shown.href, end: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(options.data);
  return {
    pool: pglitePool(db as unknown as PGliteDatabase),
    database: options.data,
    end: () => db.close(),
  };
}

/** Starts the sync server the options describe; resolves once it takes connections. */
export async function startServer(options: ServerCliOptions): Promise<RunningServer> {
  const { pool, database, end } = await openPool(options);
  try {
    const sync = createSyncServer({
      pool,
      authenticate: options.tokens,
      tables: options.tables,
      path: options.path,
      ...(options.allowSchema ? { authorize: () => true } : {}),
      // Devices get generic answers; the operator reads the causes here.
      onError: (e) => process.stderr.write(`pandalchemy-server: ${describe(e)}\n`),
    });
    const listening = await sync.listen({ port: options.port, host: options.host });
    return {
      ...listening,
      database,
      async close() {
        await listening.close();
        await end();
      },
    };
  } catch (e) {
    await end();
    throw e;
  }
}

/** The command: starts the server, says where, and stops it cleanly on SIGINT or SIGTERM. */
export async function main(argv: readonly string[]): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(parseServerArgs(argv));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`pandalchemy sync server listening ${server.url} (${server.database})\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** An error and its causes, one line each (PostgreSQL's detail included), for the operator. */
function describe(e: unknown): string {
  const lines: string[] = [];
  for (let at: unknown = e, depth = 0; at !== undefined && depth < 4; depth++) {
    const detail = (at as { detail?: unknown } | null)?.detail;
    const text = at instanceof Error ? at.message : String(at);
    lines.push(typeof detail === 'string' ? `${text} (${detail})` : text);
    at = at instanceof Error ? at.cause : undefined;
  }
  return lines.join('\n  caused by: ');
}
