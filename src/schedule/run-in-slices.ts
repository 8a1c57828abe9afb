/** How far sliced work is: units of work done, of a total. */
export interface SliceProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Work that can pause: a generator that yields between pieces of a few milliseconds each (how far
 * it is, when it knows) and returns its result. Run it at once with {@link runAtOnce} (for a
 * synchronous API such as `plan()`), or in slices with {@link runInSlices} (`push()`,
 * `createTable()`), so that a million rows do not hold the page for one long task.
 */
export type SlicedWork<T> = Generator<SliceProgress | undefined, T, void>;

/** Runs sliced work to its end in one go, for callers that need the result now. */
export function runAtOnce<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs sliced work on the main thread in slices of about `sliceMs`, letting the page handle input
 * and paint between them (`pause` is that turn): a million rows worked in one go freeze the page
 * for seconds. Work that ends within one slice never pauses: a small push pays nothing for it.
 * `onSlice` hears the progress after each slice, when the work tells it.
 */
export async function runInSlices<T>(
  work: SlicedWork<T>,
  onSlice: (progress: SliceProgress) => void = () => {},
  sliceMs = 30,
  pause: () => Promise<void> = nextTask,
): Promise<T> {
  let start = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - start >= sliceMs) {
      if (step.value) onSlice(step.value);
      await pause();
      start = performance.now();
    }
  }
}

/**
 * Resolves in a new task of the event loop: a message through a channel (a timer may be clamped
 * to 4 ms or more when nested, and a microtask would not let the page run).
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
