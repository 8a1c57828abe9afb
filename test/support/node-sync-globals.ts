import WebSocket from 'ws';

/*
 * What a syncing database needs of a browser, given to Node for the tests that run devices in
 * Node (the engine on in-memory storage): a WebSocket (the `ws` package's speaks the browser's
 * API) and `navigator.locks`, here one process's locks (each device has a name of its own, so
 * each holds its database's sync lock, as the only tab of its browser would).
 */

type Callback = (lock: { name: string } | null) => unknown;

class ProcessLocks {
  readonly #held = new Map<string, (() => void)[]>();

  async request(name: string, a: unknown, b?: unknown): Promise<unknown> {
    const options = (typeof a === 'function' ? {} : a) as { ifAvailable?: boolean };
    const callback = (typeof a === 'function' ? a : b) as Callback;
    const queue = this.#held.get(name);
    if (queue) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve) => queue.push(resolve));
    } else this.#held.set(name, []);
    try {
      return await callback({ name });
    } finally {
      const next = this.#held.get(name)!.shift();
      if (next) next();
      else this.#held.delete(name);
    }
  }
}

const g = globalThis as { WebSocket?: unknown; navigator?: { locks?: unknown } };
g.WebSocket ??= WebSocket;
if (!g.navigator?.locks) {
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(g.navigator ?? {}), locks: new ProcessLocks() },
    configurable: true,
  });
}
