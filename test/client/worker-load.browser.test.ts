import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, PandalchemyError } from '../../src/index';
import { startFaultWorker, stopFaultWorkers } from '../support/fault-worker-client';

/**
 * A worker that cannot start gives a typed error that says what failed and what to check, not
 * "stopped while a call was pending". (The library's own worker and wasm answered with a real 404
 * inside an app's build are covered by the consumer tests, test/consumers/.)
 */

afterEach(stopFaultWorkers);

async function openError(worker: Worker): Promise<PandalchemyError> {
  try {
    const db = await openDatabase(`load-${crypto.randomUUID()}`, { worker });
    await db.close();
  } catch (e) {
    if (e instanceof PandalchemyError) return e;
    throw e;
  } finally {
    worker.terminate();
  }
  throw new Error('openDatabase() resolved');
}

describe('a worker that fails to load', () => {
  it('reports a worker script that cannot be fetched', async () => {
    const url = URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }));
    URL.revokeObjectURL(url);
    const e = await openError(new Worker(url, { type: 'module' }));
    expect(e.code).toBe('worker_load_failed');
    expect(e.message).toContain('The worker passed to openDatabase() failed to load');
    expect(e.message).toContain('could not fetch it (404)');
    expect(e.message).toContain('served as text/javascript');
  });

  for (const [what, url] of [
    ['text/plain', () => URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/plain' }))],
    // A server that answers a missing file with its index.html, as Vite's does.
    ['an index.html', () => new URL('/no/such/pandalchemy-worker.js', location.href)],
  ] as const) {
    it(`reports a worker script served as ${what}, not JavaScript`, async () => {
      const e = await openError(new Worker(url(), { type: 'module' }));
      expect(e.code).toBe('worker_load_failed');
      expect(e.message).toContain('did not send it as JavaScript');
    });
  }

  it('reports SQLite WebAssembly that is not there, with its URL and what the server answered', async () => {
    const e = await openError(startFaultWorker('missing-wasm').worker);
    expect(e.code).toBe('worker_load_failed');
    expect(e.message).toContain("could not load SQLite's WebAssembly from");
    // Vite answers the missing file with its index.html.
    expect(e.message).toContain('/no-such-sql.wasm: the server answered 200 with text/html');
    expect(e.message).toContain('sql-wasm.wasm was copied beside pandalchemy-worker.js');
  });
});

describe('a worker that never answers', () => {
  it('rejects openDatabase with worker_load_failed once startTimeoutMs has passed', async () => {
    // A module worker that runs but is not pandalchemy's: it never answers a call.
    const url = URL.createObjectURL(new Blob(['// not ours'], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    const started = performance.now();
    await expect(
      openDatabase(`silent-${crypto.randomUUID()}`, { worker, startTimeoutMs: 1500 }),
    ).rejects.toMatchObject({
      code: 'worker_load_failed',
      message: expect.stringContaining('did not answer within 1500 ms') as unknown,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
    URL.revokeObjectURL(url);
  });

  it('rejects openDatabase for a worker the app terminated before it could answer', async () => {
    const { worker } = startFaultWorker();
    worker.terminate();
    await expect(
      openDatabase(`gone-${crypto.randomUUID()}`, { worker, startTimeoutMs: 1500 }),
    ).rejects.toMatchObject({ code: 'worker_load_failed' });
  });

  it('refuses a start timeout that is not a positive number', async () => {
    await expect(openDatabase('x', { startTimeoutMs: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
