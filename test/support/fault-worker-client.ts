import * as Comlink from 'comlink';
import type { FaultApi } from './worker/fault-api';

/** A test worker (see `worker/fault-worker.ts`) and the handle that arms its faults. */
export interface FaultWorker {
  /** Pass it to `openDatabase(name, { worker })`, as an app passes its own worker. */
  readonly worker: Worker;
  readonly faults: Comlink.Remote<FaultApi>;
}

const started: Worker[] = [];

/** Starts a test worker; `name: 'missing-wasm'` makes it look for SQLite's wasm in vain. */
export function startFaultWorker(name?: string): FaultWorker {
  const worker = new Worker(new URL('./worker/fault-worker.ts', import.meta.url), {
    ...(name ? { name } : {}),
    type: 'module',
  });
  started.push(worker);
  return { worker, faults: Comlink.wrap<FaultApi>(worker) };
}

/** Terminates every test worker started so far (call it after each test). */
export function stopFaultWorkers(): void {
  for (const w of started.splice(0)) w.terminate();
}

/** Waits until `check` holds (polling every 10 ms, for at most 5 s). */
export async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the condition never held');
}
