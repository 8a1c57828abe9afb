/** How far sliced work is: units of work done, of a total. */
export interface SliceProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Work that can pause: a generator that yields between small pieces of work (how far it is) and
 * returns its result.
 */
export type SlicedWork<T> = Generator<SliceProgress, T, void>;

/** Runs sliced work to its end in one go, for callers that need the result now. */
export function runAtOnce<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs sliced work on the main thread in slices of about `sliceMs`, letting the page handle input
 * and paint between them: a million rows worked in one go freeze the page for seconds. `onSlice`
 * hears the progress after each slice.
 */
export async function runInSlices<T>(
  work: SlicedWork<T>,
  onSlice: (progress: SliceProgress) => void = () => {},
  sliceMs = 30,
): Promise<T> {
  let start = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - start >= sliceMs) {
      onSlice(step.value);
      await yieldToPage();
      start = performance.now();
    }
  }
}

/** A task boundary: a message through a channel (setTimeout is clamped to 4 ms when nested). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
