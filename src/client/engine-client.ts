import * as Comlink from 'comlink';
import type { Engine } from '../db/database';
import {
  PandalchemyError,
  fromSerializedError,
  isSerializedError,
} from '../errors/pandalchemy-error';
import type { ColumnarData, EngineApi } from '../protocol/engine-api';
import { unpackColumns } from '../protocol/packed-text';
import { joinChunks } from '../protocol/join-chunks';

/** Methods whose table data arrives packed (see `packColumns`; `readTable` streams its chunks). */
const UNPACKED = new Set<keyof EngineApi>(['readRows', 'query']);

/** Creates the library's own engine worker (Vite and other bundlers emit it as a module worker). */
export function createWorker(): Worker {
  return new Worker(new URL('../worker/engine-worker.ts', import.meta.url), {
    type: 'module',
    name: 'pandalchemy-engine',
  });
}

function typed(e: unknown): unknown {
  if (e instanceof PandalchemyError) return e;
  if (isSerializedError(e)) return fromSerializedError(e);
  return e;
}

/** Wraps a callback argument so that the worker can call it back (progress, remote commits). */
function proxied(arg: unknown): unknown {
  return typeof arg === 'function' ? Comlink.proxy(arg as (...args: unknown[]) => unknown) : arg;
}

/**
 * The main-thread side of the engine: owns the worker, turns the errors it sends back into typed
 * errors, and rejects every pending call with `worker_died` if the worker fails or is terminated.
 */
export function engineClient(worker: Worker = createWorker()): Engine {
  const remote = Comlink.wrap<EngineApi>(worker);
  const pending = new Set<(error: PandalchemyError) => void>();
  let dead: PandalchemyError | null = null;
  const die = (why: string): void => {
    if (dead) return;
    dead = new PandalchemyError(
      'worker_died',
      `The database worker stopped (${why}) while a call was pending: open the database again. Pushes that had resolved are saved.`,
    );
    for (const reject of pending) reject(dead);
    pending.clear();
  };
  worker.addEventListener('error', (event) => die(event.message || 'an error in the worker'));
  worker.addEventListener('messageerror', () => die('a message could not be read'));

  const call = (method: keyof EngineApi, args: unknown[]): Promise<unknown> => {
    if (dead) return Promise.reject(dead);
    return new Promise((resolve, reject) => {
      pending.add(reject);
      const fn = remote[method] as unknown as (...a: unknown[]) => Promise<unknown>;
      fn(...args.map(proxied)).then(
        (value) => {
          pending.delete(reject);
          resolve(UNPACKED.has(method) ? unpackColumns(value as ColumnarData) : value);
        },
        (error: unknown) => {
          pending.delete(reject);
          reject(typed(error));
        },
      );
    });
  };

  const methods: (keyof EngineApi)[] = [
    'open',
    'state',
    'readTable',
    'readRows',
    'query',
    'apply',
    'hasCommitted',
    'importDatabase',
    'exportDatabase',
    'checkpoint',
    'commitsSince',
    'onRemoteCommit',
    'close',
    'setFault',
    'faultHit',
  ];
  const engine = Object.fromEntries(
    methods.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as Engine;
  // Tables stream in: each chunk is unpacked here while the worker reads the next.
  engine.readTable = async (table, onProgress) => {
    const chunks: ColumnarData[] = [];
    const head = (await call('readTable', [
      table,
      onProgress,
      (chunk: ColumnarData) => void chunks.push(unpackColumns(chunk)),
    ])) as ColumnarData;
    return joinChunks(head, chunks);
  };
  engine.terminate = () => {
    worker.terminate();
    try {
      remote[Comlink.releaseProxy]();
    } catch {
      // The worker is gone already.
    }
    die('terminated');
  };
  return engine;
}
