import type { TrackedTable } from '../src/index';

/** Operations made before a refresh, by table (see `Playground.earlier`). */
export type EarlierOperations = ReadonlyMap<string, readonly string[]>;

/** Each loaded table's operations since its last push, by description, oldest first. */
export function operationsByTable(
  loaded: ReadonlyMap<string, TrackedTable>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, t] of loaded) {
    const ops = t.operations();
    if (ops.length)
      out.set(
        name,
        ops.map((o) => o.description),
      );
  }
  return out;
}

/**
 * `earlier` with `before` (operations a refresh or a rebasing push is about to start the history
 * again over) added after what it holds: the user still sees what they did.
 */
export function keepEarlier(
  earlier: EarlierOperations,
  before: ReadonlyMap<string, readonly string[]>,
): EarlierOperations {
  const out = new Map(earlier);
  for (const [name, ops] of before) out.set(name, [...(out.get(name) ?? []), ...ops]);
  return out;
}

/** `earlier` without the tables a push has just written: they start a new history. */
export function forgetPushed(
  earlier: EarlierOperations,
  pushed: readonly string[],
): EarlierOperations {
  const out = new Map(earlier);
  for (const name of pushed) out.delete(name);
  return out;
}
