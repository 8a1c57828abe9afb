/**
 * Work that can pause: a generator that yields between pieces of a few milliseconds each (a
 * column gathered, a stretch of rows compared). Run it at once with {@link runAll} (a
 * synchronous API such as `plan()`), or in slices with {@link runSliced} (`push()`, async), so
 * that a million-row plan does not hold the page for one long task.
 */
export type Sliced<T> = Generator<void, T, void>;

/** Runs sliced work to its end, without pausing. */
export function runAll<T>(work: Sliced<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs sliced work, giving the event loop a turn whenever a slice has run `budgetMs` (input,
 * rendering and timers run in between; `pause` is that turn). Work that ends within the budget
 * never pauses: a small push pays nothing for it.
 */
export async function runSliced<T>(
  work: Sliced<T>,
  budgetMs = 30,
  pause: () => Promise<void> = nextTask,
): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
    if (performance.now() - start >= budgetMs) {
      await pause();
      start = performance.now();
    }
  }
}

/**
 * Resolves in a new task of the event loop (a message to itself: a timer may be clamped to 4 ms
 * or more, and a microtask would not let the page run).
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
