import * as Comlink from 'comlink';
import type { Engine } from '../db/database-state';
import {
  PandalchemyError,
  fromSerializedError,
  isSerializedError,
} from '../errors/pandalchemy-error';
import { planTransfer } from '../plan/plan-transfer';
import { ChunkJoiner } from '../protocol/chunk-joiner';
import type { ColumnarData, EngineApi, Progress, WorkerApi } from '../protocol/engine-api';
import { packPlanWork } from '../protocol/packed-plan';
import { unpackColumns } from '../protocol/packed-text';
import { runInSlices } from '../schedule/run-in-slices';

/** Methods whose table data arrives packed (see `packColumns`; `readTable` streams its chunks). */
const UNPACKED = new Set<keyof EngineApi>(['readRows', 'query']);

const METHODS: readonly (keyof EngineApi)[] = [
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
  'takeEffects',
  'replaceRows',
  'outbox',
  'close',
];

/**
 * Creates the library's own engine worker. Bundlers (Vite, webpack) emit the worker they find in
 * exactly this pattern; the package build points it at `./pandalchemy-worker.js`.
 */
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

/** The error for a worker that failed before it ever answered: its script did not load or run. */
function loadFailed(event: Event, own: boolean): PandalchemyError {
  const which = own
    ? "The database worker (pandalchemy-worker.js, which your bundler should emit beside pandalchemy's code)"
    : 'The worker passed to openDatabase()';
  const why = event instanceof ErrorEvent && event.message ? ` (${event.message})` : '';
  return new PandalchemyError(
    'worker_load_failed',
    `${which} failed to load${why}: the browser could not fetch it (404), the server did not send it as JavaScript (many servers answer a missing file with index.html), or it failed as it started. Check the worker's URL in the network panel, that it is served as text/javascript, and the bundler setting in "Install" in pandalchemy's README.`,
  );
}

/** The error for a worker that never answered its first call within the time allowed. */
function noAnswer(ms: number, own: boolean): PandalchemyError {
  const which = own ? 'The database worker' : 'The worker passed to openDatabase()';
  const hint = own
    ? 'Check in the network panel that pandalchemy-worker.js and sql-wasm.wasm load'
    : "Check that it runs pandalchemy's worker (`pandalchemy/worker`) and was not terminated";
  return new PandalchemyError(
    'worker_load_failed',
    `${which} did not answer within ${ms} ms. ${hint}; on a slow device, allow it longer with openDatabase's \`startTimeoutMs\` option.`,
  );
}

/** How long a worker may take to answer its first call by default. */
export const DEFAULT_START_TIMEOUT_MS = 20_000;

/**
 * The main-thread side of the engine: owns the worker, turns the errors it sends back into typed
 * errors, and rejects every pending and later call once the worker is gone, however it went: the
 * worker holds a Web Lock for as long as it lives (see {@link WorkerApi.holdLifeline}) and this
 * side waits for that lock; a worker that fails before it answers is reported as not loaded.
 */
export function engineClient(
  worker?: Worker,
  startTimeoutMs: number = DEFAULT_START_TIMEOUT_MS,
): Engine {
  const own = worker === undefined;
  const target = worker ?? createWorker();
  const remote = Comlink.wrap<WorkerApi>(target);
  const pending = new Set<(error: PandalchemyError) => void>();
  const lifeline = new AbortController();
  let answered = false;
  let dead: PandalchemyError | null = null;
  // Until the worker answers, only its error event can tell that it is gone, and a worker that
  // is not ours, or was terminated before it ran, sends none: a deadline covers those.
  const deadline = setTimeout(() => die(noAnswer(startTimeoutMs, own)), startTimeoutMs);

  const die = (error: PandalchemyError): void => {
    if (dead) return;
    dead = error;
    clearTimeout(deadline);
    lifeline.abort();
    // Whatever is left of it goes too: its locks (the write lock among them) with it.
    target.terminate();
    for (const reject of pending) reject(error);
    pending.clear();
  };
  const died = (why: string): PandalchemyError =>
    new PandalchemyError(
      'worker_died',
      `The database worker stopped (${why}): open the database again. Pushes that had resolved are saved; one that was pending either landed whole or not at all.`,
    );
  target.addEventListener('error', (event) =>
    die(answered ? died(event.message || 'an error in the worker') : loadFailed(event, own)),
  );
  target.addEventListener('messageerror', () => die(died('a message could not be read')));

  const call = (method: keyof WorkerApi, args: unknown[]): Promise<unknown> => {
    if (dead) return Promise.reject(dead);
    return new Promise((resolve, reject) => {
      pending.add(reject);
      const fn = remote[method] as unknown as (...a: unknown[]) => Promise<unknown>;
      fn(...args.map(proxied)).then(
        (value) => {
          pending.delete(reject);
          resolve(
            UNPACKED.has(method as keyof EngineApi) ? unpackColumns(value as ColumnarData) : value,
          );
        },
        (error: unknown) => {
          pending.delete(reject);
          reject(typed(error));
        },
      );
    });
  };

  const name = `pandalchemy:lifeline:${crypto.randomUUID()}`;
  void call('holdLifeline', [name])
    .then(
      () => {
        answered = true;
        clearTimeout(deadline);
        return navigator.locks.request(name, { signal: lifeline.signal }, () =>
          die(died('it was terminated or crashed')),
        );
      },
      () => undefined,
    )
    .catch(() => undefined);

  const engine = Object.fromEntries(
    METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as Engine;
  // Tables stream in: each chunk is unpacked here, in slices, while the worker reads the next.
  engine.readTable = async (table, onProgress) => {
    const joiner = new ChunkJoiner();
    const head = (await call('readTable', [
      table,
      // The first report gives the row count: the joined columns are made that long at once.
      (progress: Progress) => {
        joiner.expect(progress.total);
        onProgress?.(progress);
      },
      (chunk: ColumnarData) => joiner.add(chunk),
    ])) as ColumnarData;
    return joiner.finish(head);
  };
  // A push's own plan moves its column buffers to the worker instead of copying them, and the
  // columns of its inserts go packed, packed in slices between which the page paints.
  engine.apply = async (plan, options, onProgress) => {
    const wire = await runInSlices(packPlanWork(plan));
    const transfer = [...planTransfer(plan), ...wire.transfer];
    return call('apply', [
      Comlink.transfer(wire.plan, transfer),
      options,
      onProgress,
    ]) as ReturnType<Engine['apply']>;
  };
  engine.terminate = () => {
    die(died('the database was closed'));
    try {
      remote[Comlink.releaseProxy]();
    } catch {
      // The worker is gone already.
    }
  };
  return engine;
}
