import type { PandalchemyError } from '../errors/pandalchemy-error';

/**
 * Runs tasks one at a time, in order of arrival: each starts when the one before has settled,
 * whether it resolved or failed. Once broken, every later task fails with the error it broke with.
 *
 * @example
 * ```ts
 * const queue = new SerialQueue();
 * void queue.run(async () => write());
 * await queue.run(async () => read()); // after write() settled
 * ```
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #broken: PandalchemyError | null = null;

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#broken) throw this.#broken;
      return fn();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Refuses every task that starts from now on with `error` (the engine closed, or is lost). */
  break(error: PandalchemyError): void {
    this.#broken = error;
  }
}
