import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';

/*
 * `npx pandalchemy-server`: bin/pandalchemy-server.js with src/server-cli.ts built beside it as the
 * package builds it (dist/server-cli.js), run with node as a user runs it: embedded PGlite in a
 * data folder, or a PostgreSQL URL. A push is accepted, the server stops, starts again on the same
 * folder, and a device catching up sees the commit.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside the repository, so that node finds pg, ws and PGlite in its node_modules. */
const OUT = join(ROOT, 'node_modules', '.cache', `pandalchemy-bin-${process.pid}`);
const BIN = join(OUT, 'bin', 'pandalchemy-server.js');
const TOKENS = { 'token-a': { user: 'ada', device: 'a' } };

const createAndInsert: ExecutionPlan = {
  version: 2,
  steps: [
    {
      kind: 'createTable',
      table: 'items',
      columns: [
        { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
        { name: 's', declaredType: 'TEXT', notNull: false, default: null },
      ],
      primaryKey: ['id'],
      autoIncrement: false,
    },
    {
      kind: 'insert',
      table: 'items',
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns: ['id', 's'],
      types: ['INTEGER', 'TEXT'],
      values: [[1], ["it's"]],
      count: 1,
    },
  ],
};

interface Running {
  readonly url: string;
  readonly child: ChildProcess;
  /** Stops it as a user does (SIGTERM) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Runs the bin with `args`; resolves once it says where it listens. */
async function startBin(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`the bin exited (${code}): ${stderr}`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const args = (store: string[]): string[] => [
  ...store,
  '--tables',
  'items',
  '--tokens',
  JSON.stringify(TOKENS),
  '--allow-schema',
  '--port',
  '0',
];

describe('npx pandalchemy-server', () => {
  const folders: string[] = [];
  beforeAll(async () => {
    mkdirSync(join(OUT, 'bin'), { recursive: true });
    await build({
      input: join(ROOT, 'src', 'server-cli.ts'),
      platform: 'node',
      external: [/^node:/, 'pg', 'ws', '@electric-sql/pglite'],
      output: { file: join(OUT, 'dist', 'server-cli.js'), format: 'es' },
      logLevel: 'warn',
    });
    copyFileSync(join(ROOT, 'bin', 'pandalchemy-server.js'), BIN);
  });
  afterAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  const stores: [string, () => Promise<string[]>][] = [
    [
      'an embedded PGlite data folder',
      async () => {
        const folder = mkdtempSync(join(tmpdir(), 'pandalchemy-bin-'));
        folders.push(folder);
        return ['--data', join(folder, 'data')];
      },
    ],
    ['a PostgreSQL URL', async () => ['--database-url', await freshPostgresUrl()]],
  ];

  test.each(stores)(
    'on %s: takes a push, and after a restart on the same store still has its commit',
    async (_name, store) => {
      const storeArgs = await store();
      const first = await startBin(args(storeArgs));
      let seq: number;
      try {
        const { device } = await SyncDevice.connect(first.url, 'token-a');
        const answer = await device.push(createAndInsert);
        expect(answer.type, JSON.stringify(answer)).toBe('accepted');
        seq = answer['seq'] as number;
        device.close();
      } finally {
        expect(await first.stop()).toBe(0);
      }

      const second = await startBin(args(storeArgs));
      try {
        const { device } = await SyncDevice.connect(second.url, 'token-a', 0);
        await device.commitAtLeast(seq);
        const commit = device.commits().find((c) => c.seq === seq)!;
        expect(commit.effects.map((e) => e.table)).toEqual(['items']);
        expect(commit.effects[0]!.upserts.values.map((v) => v.map(String))).toEqual([
          ['1'],
          ["it's"],
        ]);
        device.close();
      } finally {
        expect(await second.stop()).toBe(0);
      }
    },
  );

  test('refuses to start without tables or tokens, saying what to pass', async () => {
    await expect(startBin(['--data', join(tmpdir(), 'never-used')])).rejects.toThrow(
      /--tables is required/,
    );
    await expect(
      startBin(['--tables', 'items', '--data', join(tmpdir(), 'never-used')]),
    ).rejects.toThrow(/--tokens/);
  });
});
