/**
 * Runs `fn` and reports, besides its duration, the longest main-thread task that ran meanwhile,
 * from the Long Tasks API (`PerformanceObserver` entries of type `longtask`: tasks of 50 ms or
 * more). 0 means no task reached 50 ms. Where the browser has no Long Tasks API, `longest` is
 * null.
 *
 * @example
 * ```ts
 * const { ms, longest } = await withLongestTask(() => table.push());
 * ```
 */
export async function withLongestTask(
  fn: () => Promise<unknown>,
): Promise<{ ms: number; longest: number | null }> {
  const supported = PerformanceObserver.supportedEntryTypes.includes('longtask');
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  if (supported) observer.observe({ type: 'longtask' });
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  // The entry of the task that just ended is queued after it: let it arrive.
  await new Promise((resolve) => setTimeout(resolve, 0));
  entries.push(...observer.takeRecords());
  observer.disconnect();
  if (!supported) return { ms: t1 - t0, longest: null };
  let longest = 0;
  for (const e of entries) {
    if (e.startTime + e.duration >= t0 && e.startTime <= t1)
      longest = Math.max(longest, e.duration);
  }
  return { ms: t1 - t0, longest };
}
